//! Glob matching for `[revisions] tags`: `*` (any run of characters), `?` (one character).

pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` and the text index it matched up to, for backtracking.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("*", "week-1"));
        assert!(matches("week-*", "week-12"));
        assert!(matches("v?.*", "v1.2"));
        assert!(!matches("week-*", "release-1"));
        assert!(matches("release/*", "release/2025-08"));
        assert!(!matches("a*b", "acbx"));
    }
}
