//! The price table of the cost model: public cloud list prices, shipped in code so users can see and edit them.
//!
//! Source: public on-demand list prices in USD for AWS US East (N. Virginia), Linux, as recorded in
//! public price data in 2024–2026, mostly the test fixtures of the infracost project, which are
//! taken from the AWS Price List API. Rows whose description starts with "≈" come from secondary
//! sources only and are less certain. One GCP row is included for comparison.
//!
//! Prices change; this table is a teaching aid, not a quote. Edit [`PRICE_TABLE`] to update it,
//! keeping ids stable because saved designs and the cost model refer to rows by id.

/// Hours in the billing month used throughout: 8,760 hours a year divided by 12, AWS's convention.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Where and when the prices in [`PRICE_TABLE`] were recorded, for display beside costs.
pub const PRICE_SOURCE: &str =
    "AWS Price List (via infracost test fixtures), us-east-1, Linux, on-demand, recorded 2024–2026; ≈ rows from secondary sources";

/// CloudFront invalidation paths free each month before [`PriceUnit::PerPath`] billing starts.
pub const CLOUDFRONT_FREE_INVALIDATION_PATHS: u64 = 1_000;

/// One Application Load Balancer capacity unit (LCU) is the largest of these four dimensions.
pub const ALB_LCU_NEW_CONNECTIONS_PER_S: f64 = 25.0;
/// Active connections per minute in one LCU.
pub const ALB_LCU_ACTIVE_CONNECTIONS_PER_MIN: f64 = 3_000.0;
/// Gigabytes processed per hour in one LCU.
pub const ALB_LCU_GB_PER_HOUR: f64 = 1.0;
/// Rule evaluations per second in one LCU.
pub const ALB_LCU_RULE_EVALUATIONS_PER_S: f64 = 1_000.0;

/// What a price is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceUnit {
    /// USD per hour a resource runs (instances, load balancers, LCU-hours).
    PerHour,
    /// USD per month a resource exists (hosted zones, health checks).
    PerMonth,
    /// USD per gigabyte transferred (GiB where the description says so).
    PerGb,
    /// USD per million requests (or request units where the description says so).
    PerMillionRequests,
    /// USD per 10,000 requests (CloudFront's unit).
    PerTenThousandRequests,
    /// USD per gigabyte stored for a month.
    PerGbMonth,
    /// USD per invalidated path.
    PerPath,
}

impl PriceUnit {
    /// A short label for tables, e.g. "$/h".
    pub fn label(self) -> &'static str {
        match self {
            PriceUnit::PerHour => "$/h",
            PriceUnit::PerMonth => "$/month",
            PriceUnit::PerGb => "$/GB",
            PriceUnit::PerMillionRequests => "$ per million requests",
            PriceUnit::PerTenThousandRequests => "$ per 10,000 requests",
            PriceUnit::PerGbMonth => "$/GB-month",
            PriceUnit::PerPath => "$/path",
        }
    }
}

/// One row of the price table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceItem {
    /// Stable identifier used by designs and the cost model, in snake case.
    pub id: &'static str,
    /// What is being priced; starts with "≈" when the price comes from secondary sources only.
    pub description: &'static str,
    /// Price in US dollars per `unit`.
    pub usd: f64,
    /// What the price is charged per.
    pub unit: PriceUnit,
}

impl PriceItem {
    /// True when the price comes from secondary sources only (marked "≈" in the description).
    pub fn is_approximate(&self) -> bool {
        self.description.starts_with('≈')
    }

    /// USD per month for prices charged by time (hourly at [`HOURS_PER_MONTH`], or monthly);
    /// `None` for usage-based prices, whose monthly cost depends on traffic.
    pub fn monthly_usd(&self) -> Option<f64> {
        match self.unit {
            PriceUnit::PerHour => Some(per_month(self.usd)),
            PriceUnit::PerMonth => Some(self.usd),
            _ => None,
        }
    }
}

/// Shorthand for the table rows below.
const fn item(id: &'static str, description: &'static str, usd: f64, unit: PriceUnit) -> PriceItem {
    PriceItem {
        id,
        description,
        usd,
        unit,
    }
}

/// Every price the cost model knows, in the order of the brief's table (prices.md).
pub const PRICE_TABLE: &[PriceItem] = &[
    // Compute: EC2 on-demand, Linux.
    item(
        "ec2_t3_micro",
        "EC2 t3.micro (2 vCPU, 1 GiB)",
        0.0104,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_t3_medium",
        "EC2 t3.medium (2 vCPU, 4 GiB)",
        0.0416,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_m5_large",
        "EC2 m5.large (2 vCPU, 8 GiB)",
        0.096,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_m5_xlarge",
        "EC2 m5.xlarge (4 vCPU, 16 GiB)",
        0.192,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_c5_large",
        "≈ EC2 c5.large (2 vCPU, 4 GiB)",
        0.085,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_c5_xlarge",
        "≈ EC2 c5.xlarge (4 vCPU, 8 GiB)",
        0.17,
        PriceUnit::PerHour,
    ),
    // Larger m5 sizes: the family's price is linear in its size (0.096 $/h per 2 vCPU), and the
    // largest is the ceiling of scaling up.
    item(
        "ec2_m5_2xlarge",
        "≈ EC2 m5.2xlarge (8 vCPU, 32 GiB)",
        0.384,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_m5_4xlarge",
        "≈ EC2 m5.4xlarge (16 vCPU, 64 GiB)",
        0.768,
        PriceUnit::PerHour,
    ),
    item(
        "ec2_m5_24xlarge",
        "≈ EC2 m5.24xlarge (96 vCPU, 384 GiB)",
        4.608,
        PriceUnit::PerHour,
    ),
    // Load balancing: an hourly fee plus LCU-hours (see `alb_lcu`).
    item(
        "alb_hour",
        "Application load balancer, per hour",
        0.0225,
        PriceUnit::PerHour,
    ),
    item(
        "alb_lcu_hour",
        "Application load balancer, per LCU-hour",
        0.008,
        PriceUnit::PerHour,
    ),
    // Caches: ElastiCache for Redis on-demand nodes.
    item(
        "elasticache_redis_t3_medium",
        "≈ ElastiCache Redis cache.t3.medium",
        0.068,
        PriceUnit::PerHour,
    ),
    item(
        "elasticache_redis_m5_large",
        "≈ ElastiCache Redis cache.m5.large",
        0.156,
        PriceUnit::PerHour,
    ),
    item(
        "elasticache_redis_r5_large",
        "≈ ElastiCache Redis cache.r5.large",
        0.216,
        PriceUnit::PerHour,
    ),
    // Databases: RDS for MySQL, single-AZ (multi-AZ roughly doubles the instance price).
    item(
        "rds_mysql_m5_large",
        "RDS MySQL single-AZ db.m5.large",
        0.171,
        PriceUnit::PerHour,
    ),
    item(
        "rds_mysql_t3_medium",
        "≈ RDS MySQL single-AZ db.t3.medium",
        0.068,
        PriceUnit::PerHour,
    ),
    item(
        "rds_mysql_r5_large",
        "≈ RDS MySQL single-AZ db.r5.large",
        0.24,
        PriceUnit::PerHour,
    ),
    item(
        "rds_storage_gp",
        "RDS storage gp2/gp3",
        0.115,
        PriceUnit::PerGbMonth,
    ),
    // A cold disaster-recovery standby's only bill (aws.amazon.com/rds/pricing, us-east-1).
    item(
        "rds_backup_storage",
        "≈ RDS backup storage beyond the free allocation",
        0.095,
        PriceUnit::PerGbMonth,
    ),
    // CDN: CloudFront.
    item(
        "cloudfront_egress",
        "CloudFront egress, first 10 TB (North America, Europe)",
        0.085,
        PriceUnit::PerGb,
    ),
    item(
        "cloudfront_https_us",
        "CloudFront HTTPS requests, US",
        0.010,
        PriceUnit::PerTenThousandRequests,
    ),
    item(
        "cloudfront_https_europe",
        "CloudFront HTTPS requests, Europe",
        0.012,
        PriceUnit::PerTenThousandRequests,
    ),
    item(
        "cloudfront_invalidation",
        "CloudFront invalidation, after the first 1,000 paths a month (free)",
        0.005,
        PriceUnit::PerPath,
    ),
    // Data transfer.
    item(
        "ec2_egress_internet",
        "EC2 egress to the internet, first 10 TB",
        0.09,
        PriceUnit::PerGb,
    ),
    item(
        "inter_region_transfer",
        "Inter-region transfer out of us-east-1",
        0.02,
        PriceUnit::PerGb,
    ),
    item(
        "inter_az_transfer",
        "Inter-AZ transfer, charged each way",
        0.01,
        PriceUnit::PerGb,
    ),
    // DNS: Route 53.
    item(
        "route53_hosted_zone",
        "Route 53 hosted zone",
        0.50,
        PriceUnit::PerMonth,
    ),
    item(
        "route53_queries_standard",
        "Route 53 standard queries",
        0.40,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "route53_queries_latency",
        "Route 53 latency-based routing queries",
        0.60,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "route53_queries_geo",
        "Route 53 geo DNS queries",
        0.70,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "route53_health_check",
        "Route 53 health check",
        0.50,
        PriceUnit::PerMonth,
    ),
    // Web application firewall: AWS WAF's list prices (aws.amazon.com/waf/pricing, 2024–2026).
    item("waf_web_acl", "AWS WAF web ACL", 5.0, PriceUnit::PerMonth),
    item(
        "waf_rule",
        "AWS WAF rule in a web ACL",
        1.0,
        PriceUnit::PerMonth,
    ),
    item(
        "waf_requests",
        "AWS WAF requests inspected",
        0.60,
        PriceUnit::PerMillionRequests,
    ),
    // Queues and streams.
    item(
        "sqs_standard",
        "SQS standard queue requests",
        0.40,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "sqs_fifo",
        "SQS FIFO queue requests",
        0.50,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "msk_kafka_t3_small",
        "MSK kafka.t3.small broker",
        0.0456,
        PriceUnit::PerHour,
    ),
    // NoSQL: DynamoDB on-demand, per million request units.
    item(
        "dynamodb_write",
        "DynamoDB on-demand write request units",
        0.625,
        PriceUnit::PerMillionRequests,
    ),
    item(
        "dynamodb_read",
        "DynamoDB on-demand read request units",
        0.125,
        PriceUnit::PerMillionRequests,
    ),
    // For comparison: GCP.
    item(
        "gcp_cdn_egress",
        "GCP Cloud CDN egress, North America, first 10 TiB (per GiB)",
        0.08,
        PriceUnit::PerGb,
    ),
];

/// The row with this id, if any.
pub fn price(id: &str) -> Option<&'static PriceItem> {
    PRICE_TABLE.iter().find(|p| p.id == id)
}

/// Monthly cost of something billed hourly, at [`HOURS_PER_MONTH`] hours a month.
pub fn per_month(usd_per_hour: f64) -> f64 {
    usd_per_hour * HOURS_PER_MONTH
}

/// Application Load Balancer capacity units consumed: the largest of new connections / 25 per s,
/// active connections / 3,000 per minute, GB processed / 1 per hour and rule evaluations / 1,000
/// per s. AWS bills only the dominant dimension, hence the maximum rather than a sum.
///
/// Negative or NaN inputs count as zero, so the result is never negative.
pub fn alb_lcu(
    new_conn_per_s: f64,
    active_conn_per_min: f64,
    gb_per_hour: f64,
    rule_evals_per_s: f64,
) -> f64 {
    // f64::max returns the other operand when one is NaN, so NaN dimensions drop out.
    [
        new_conn_per_s / ALB_LCU_NEW_CONNECTIONS_PER_S,
        active_conn_per_min / ALB_LCU_ACTIVE_CONNECTIONS_PER_MIN,
        gb_per_hour / ALB_LCU_GB_PER_HOUR,
        rule_evals_per_s / ALB_LCU_RULE_EVALUATIONS_PER_S,
    ]
    .into_iter()
    .fold(0.0, f64::max)
}

/// What an instance type gives: its vCPUs and memory. Capacity comes with the price: a bigger
/// type computes more requests at once and holds more cached items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstanceShape {
    pub vcpus: u32,
    pub memory_gib: f64,
}

/// The shape of every instance row of [`PRICE_TABLE`] (the sizes in their descriptions; for
/// ElastiCache the memory a node offers to Redis).
const INSTANCE_SHAPES: &[(&str, u32, f64)] = &[
    ("ec2_t3_micro", 2, 1.0),
    ("ec2_t3_medium", 2, 4.0),
    ("ec2_m5_large", 2, 8.0),
    ("ec2_m5_xlarge", 4, 16.0),
    ("ec2_m5_2xlarge", 8, 32.0),
    ("ec2_m5_4xlarge", 16, 64.0),
    ("ec2_m5_24xlarge", 96, 384.0),
    ("ec2_c5_large", 2, 4.0),
    ("ec2_c5_xlarge", 4, 8.0),
    ("elasticache_redis_t3_medium", 2, 3.09),
    ("elasticache_redis_m5_large", 2, 6.38),
    ("elasticache_redis_r5_large", 2, 13.07),
    ("rds_mysql_t3_medium", 2, 4.0),
    ("rds_mysql_m5_large", 2, 8.0),
    ("rds_mysql_r5_large", 2, 16.0),
    ("msk_kafka_t3_small", 2, 2.0),
];

/// The vCPUs and memory of instance type `id`; `None` for rows that are not instances.
pub fn instance_shape(id: &str) -> Option<InstanceShape> {
    INSTANCE_SHAPES
        .iter()
        .find(|(row, _, _)| *row == id)
        .map(|&(_, vcpus, memory_gib)| InstanceShape { vcpus, memory_gib })
}

/// The instance types of the same family as `id` (same prefix before the size), smallest first:
/// the path of scaling up, whose last entry is its ceiling.
pub fn family_of(id: &str) -> Vec<&'static str> {
    let family = |row: &str| row.rsplit_once('_').map(|(f, _)| f.to_string());
    let Some(want) = family(id) else {
        return Vec::new();
    };
    let mut rows: Vec<(&'static str, u32, f64)> = INSTANCE_SHAPES
        .iter()
        .copied()
        .filter(|(row, _, _)| family(row).as_deref() == Some(want.as_str()))
        .collect();
    rows.sort_by(|a, b| {
        (a.1, a.2)
            .partial_cmp(&(b.1, b.2))
            .unwrap_or(core::cmp::Ordering::Equal)
    });
    rows.into_iter().map(|(row, _, _)| row).collect()
}

/// Nodes of cache instance type `id` needed to hold `capacity` items of `item_kb` KB each: the
/// items' memory over one node's ([`InstanceShape::memory_gib`]), rounded up, at least one.
/// An instance without a known shape counts as one node.
pub fn cache_nodes(capacity: u32, item_kb: f64, id: &str) -> u32 {
    let Some(shape) = instance_shape(id) else {
        return 1;
    };
    let gib = f64::from(capacity) * item_kb.max(0.0) / (1024.0 * 1024.0);
    let nodes = libm::ceil(gib / shape.memory_gib);
    if nodes.is_finite() {
        nodes.clamp(1.0, f64::from(u32::MAX)) as u32
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_nodes_hold_capacity_times_item_size() {
        // cache.m5.large offers 6.38 GiB: 1 k or 100 k items of 1 KB fit one node, 100 k of
        // 100 KB (9.5 GiB) need two, a million of 100 KB (95 GiB) fifteen.
        let id = "elasticache_redis_m5_large";
        assert_eq!(cache_nodes(1_000, 1.0, id), 1);
        assert_eq!(cache_nodes(100_000, 1.0, id), 1);
        assert_eq!(cache_nodes(100_000, 100.0, id), 2);
        assert_eq!(cache_nodes(1_000_000, 100.0, id), 15);
        assert_eq!(cache_nodes(0, 100.0, id), 1);
        assert_eq!(cache_nodes(100_000, 100.0, "alb_hour"), 1);
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        for (i, a) in PRICE_TABLE.iter().enumerate() {
            assert!(
                !a.id.is_empty()
                    && a.id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "id {:?} is not snake case",
                a.id
            );
            assert!(
                a.usd.is_finite() && a.usd > 0.0,
                "{}: price {}",
                a.id,
                a.usd
            );
            assert!(!a.description.is_empty(), "{}: no description", a.id);
            for b in &PRICE_TABLE[i + 1..] {
                assert_ne!(a.id, b.id, "duplicate id");
            }
        }
    }

    #[test]
    fn table_matches_the_brief() {
        // (id, USD, unit, approximate), a selection of rows from prices.md.
        let table = [
            ("ec2_t3_micro", 0.0104, PriceUnit::PerHour, false),
            ("ec2_m5_large", 0.096, PriceUnit::PerHour, false),
            ("ec2_c5_xlarge", 0.17, PriceUnit::PerHour, true),
            ("alb_hour", 0.0225, PriceUnit::PerHour, false),
            ("alb_lcu_hour", 0.008, PriceUnit::PerHour, false),
            (
                "elasticache_redis_r5_large",
                0.216,
                PriceUnit::PerHour,
                true,
            ),
            ("rds_mysql_m5_large", 0.171, PriceUnit::PerHour, false),
            ("rds_storage_gp", 0.115, PriceUnit::PerGbMonth, false),
            (
                "cloudfront_https_europe",
                0.012,
                PriceUnit::PerTenThousandRequests,
                false,
            ),
            ("cloudfront_invalidation", 0.005, PriceUnit::PerPath, false),
            ("route53_hosted_zone", 0.50, PriceUnit::PerMonth, false),
            (
                "route53_queries_geo",
                0.70,
                PriceUnit::PerMillionRequests,
                false,
            ),
            ("msk_kafka_t3_small", 0.0456, PriceUnit::PerHour, false),
            (
                "dynamodb_write",
                0.625,
                PriceUnit::PerMillionRequests,
                false,
            ),
            ("gcp_cdn_egress", 0.08, PriceUnit::PerGb, false),
            ("waf_web_acl", 5.0, PriceUnit::PerMonth, false),
            ("waf_rule", 1.0, PriceUnit::PerMonth, false),
            ("waf_requests", 0.60, PriceUnit::PerMillionRequests, false),
        ];
        for (id, usd, unit, approximate) in table {
            let row = price(id).unwrap_or_else(|| panic!("missing row {id}"));
            assert_eq!(
                (row.usd, row.unit, row.is_approximate()),
                (usd, unit, approximate),
                "{id}"
            );
        }
        assert_eq!(price("no_such_row"), None);
        // The brief's table has 23 lines; rows with "a / b" prices become separate items.
        // Three larger m5 sizes are added for scaling up, AWS WAF's three prices and backup
        // storage for cold standbys.
        assert_eq!(PRICE_TABLE.len(), 40);
    }

    #[test]
    fn monthly_costs() {
        // (id, expected USD per month)
        let table = [
            ("ec2_t3_micro", 7.592),
            ("ec2_m5_large", 70.08),
            ("alb_hour", 16.425),
            ("route53_health_check", 0.5),
        ];
        for (id, expected) in table {
            let monthly = price(id).and_then(PriceItem::monthly_usd);
            assert!(
                monthly.is_some_and(|m| (m - expected).abs() < 1e-9),
                "{id}: {monthly:?}"
            );
        }
        assert_eq!(price("sqs_standard").and_then(PriceItem::monthly_usd), None);
        assert!((per_month(1.0) - 730.0).abs() < 1e-12);
    }

    #[test]
    fn alb_capacity_units() {
        // (new conn/s, active conn/min, GB/h, rule evals/s, LCU): each dimension can dominate.
        let table = [
            (0.0, 0.0, 0.0, 0.0, 0.0),
            (50.0, 3_000.0, 0.5, 100.0, 2.0),
            (10.0, 9_000.0, 0.5, 100.0, 3.0),
            (10.0, 3_000.0, 4.5, 100.0, 4.5),
            (10.0, 3_000.0, 0.5, 5_000.0, 5.0),
            (-5.0, f64::NAN, 0.25, -1.0, 0.25),
        ];
        for (new, active, gb, rules, lcu) in table {
            let got = alb_lcu(new, active, gb, rules);
            assert!(
                (got - lcu).abs() < 1e-12,
                "alb_lcu({new}, {active}, {gb}, {rules}) = {got}, expected {lcu}"
            );
        }
    }
    #[test]
    fn every_instance_row_has_a_shape_matching_its_description() {
        for row in PRICE_TABLE.iter().filter(|r| r.unit == PriceUnit::PerHour) {
            let is_instance = ["ec2_", "elasticache_", "rds_", "msk_"]
                .iter()
                .any(|p| row.id.starts_with(p));
            let shape = instance_shape(row.id);
            assert_eq!(shape.is_some(), is_instance, "{}", row.id);
            if let (Some(shape), true) = (shape, row.id.starts_with("ec2_")) {
                let said = format!("({} vCPU, {} GiB)", shape.vcpus, shape.memory_gib);
                assert!(row.description.contains(&said), "{}: {said}", row.id);
            }
        }
        assert_eq!(
            family_of("ec2_m5_large"),
            [
                "ec2_m5_large",
                "ec2_m5_xlarge",
                "ec2_m5_2xlarge",
                "ec2_m5_4xlarge",
                "ec2_m5_24xlarge"
            ]
        );
        assert_eq!(instance_shape("alb_hour"), None);
    }
}
