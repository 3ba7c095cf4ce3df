//! Inline SVG charts of a metric's value per revision. Generated here (not from record
//! text), so the markup is trusted; every label is escaped anyway.

use std::fmt::Write as _;

use crate::derive::timeline::MetricPoint;
use crate::model::values::{Target, number};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const PAD_LEFT: f64 = 44.0;
const PAD: f64 = 20.0;

/// A line chart of `points` with the target drawn as dashed line(s); `None` with no values.
pub fn metric(points: &[MetricPoint], target: Option<Target>) -> Option<String> {
    let values: Vec<f64> = points.iter().filter_map(|p| p.value).collect();
    if values.is_empty() {
        return None;
    }
    let target_lines: Vec<f64> = match target {
        Some(Target::Between { low, high }) => vec![low, high],
        Some(
            Target::AtLeast { value }
            | Target::Above { value }
            | Target::Exactly { value }
            | Target::AtMost { value }
            | Target::Below { value },
        ) => vec![value],
        None => Vec::new(),
    };
    let all = values.iter().chain(&target_lines);
    let (mut low, mut high) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if (high - low).abs() < f64::EPSILON {
        low -= 1.0;
        high += 1.0;
    }
    let margin = (high - low) * 0.1;
    let (low, high) = (low - margin, high + margin);
    let x = |i: usize| {
        if points.len() == 1 {
            PAD_LEFT + (WIDTH - PAD_LEFT - PAD) / 2.0
        } else {
            PAD_LEFT + i as f64 * (WIDTH - PAD_LEFT - PAD) / (points.len() - 1) as f64
        }
    };
    let y = |v: f64| PAD + (high - v) / (high - low) * (HEIGHT - 2.0 * PAD);

    let mut svg =
        format!(r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="value per revision">"#);
    for t in &target_lines {
        let at = y(*t);
        let _ = write!(svg, r#"<line class="target" x1="{PAD_LEFT}" x2="{}" y1="{at:.1}" y2="{at:.1}"/>"#, WIDTH - PAD);
        let _ = write!(svg, r#"<text x="2" y="{:.1}">{}</text>"#, y(*t) + 4.0, number(*t));
    }
    let line: Vec<String> =
        points.iter().enumerate().filter_map(|(i, p)| p.value.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
    let _ = write!(svg, r#"<polyline class="line" points="{}"/>"#, line.join(" "));
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            let class = p.state.unwrap_or("");
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="4"><title>{}: {}</title></circle>"#,
                x(i),
                y(v),
                escape(&p.revision),
                number(v)
            );
        }
    }
    let first = points.first().map(|p| escape(&p.revision)).unwrap_or_default();
    let last = points.last().map(|p| escape(&p.revision)).unwrap_or_default();
    let _ = write!(svg, r#"<text x="{PAD_LEFT}" y="{}">{first}</text>"#, HEIGHT - 4.0);
    let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="end">{last}</text></svg>"#, WIDTH - PAD, HEIGHT - 4.0);
    Some(svg)
}

/// Escapes text for XML content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::values::Date;

    fn point(revision: &str, value: Option<f64>) -> MetricPoint {
        MetricPoint {
            revision: revision.into(),
            slug: revision.into(),
            date: Date::parse("2025-08-12").unwrap(),
            value,
            state: Some("met"),
        }
    }

    #[test]
    fn draws_values_and_target_and_escapes_labels() {
        let svg = metric(
            &[point("<w1>", Some(57.1)), point("w2", None), point("w3", Some(92.4))],
            Target::parse("> 90").ok(),
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains(r#"class="target""#));
        assert!(svg.contains("&lt;w1&gt;: 57.1"));
        assert!(!svg.contains("<w1>"));
    }

    #[test]
    fn no_values_no_chart() {
        assert!(metric(&[point("w1", None)], None).is_none());
    }
}
