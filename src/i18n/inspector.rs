//! Inspector texts (field labels, units, option names), Korean and English. Owned by the
//! inspector; part of the one translation module.
