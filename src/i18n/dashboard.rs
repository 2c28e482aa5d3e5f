//! Dashboard texts (chart titles, series, table headers), Korean and English. Owned by the
//! dashboard; part of the one translation module.
