//! What the preview adds to a built page: the live-reload script and, while the plan has
//! errors, a panel listing them over the last good page. Nothing here is ever in a build.

/// Where the browser listens for rebuilds.
pub const EVENTS_PATH: &str = "/__statuspress/events";

/// `page` with the reload script (and the error panel, when there are `problems`) before
/// its closing `</body>`. The page knows the version it shows and reloads when the server
/// announces another one, including one it missed while loading.
pub fn inject(page: &[u8], version: u64, problems: Option<&str>) -> Vec<u8> {
    let mut addition = String::new();
    if let Some(problems) = problems {
        addition.push_str(&panel(problems));
    }
    addition.push_str(&format!(
        "<script>/* statuspress serve: live reload */(()=>{{const v=\"{version}\";\
         const s=new EventSource(\"{EVENTS_PATH}\");\
         s.onmessage=e=>{{if(e.data!==v){{s.close();location.reload();}}}};}})();</script>\n"
    ));
    let at = find_last(page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + addition.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(addition.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// A page for when there is no good build to show: while the first one runs, or with the
/// problems that stop it (or that stop this page from rendering).
pub fn placeholder(version: u64, problems: Option<&str>) -> Vec<u8> {
    let say = if problems.is_some() {
        "statuspress cannot show this page: the problems are listed below. It reloads when they are fixed."
    } else {
        "statuspress is building the plan. This page reloads when it is ready."
    };
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>statuspress serve</title></head><body><p>{say}</p></body></html>\n"
    );
    inject(page.as_bytes(), version, problems)
}

/// The error panel: fixed at the bottom of the window over the page, readable in light and
/// dark, in the same words as `statuspress check`.
fn panel(problems: &str) -> String {
    format!(
        "<div id=\"statuspress-errors\" role=\"alert\" tabindex=\"0\" style=\"position:fixed;left:0;right:0;bottom:0;\
         z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:12px 16px;\
         background:#1f1f1f;color:#f1f1f1;border-top:4px solid #d93025;box-shadow:0 -4px 16px rgba(0,0,0,.35);\
         font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">\
         <strong style=\"display:block;color:#ff8a80;font-size:14px\">The plan has errors: \
         this is the last good build. Fix them and save; the page reloads.</strong>\
         <pre style=\"margin:8px 0 0;white-space:pre-wrap;font:inherit;color:inherit;background:none\">{}</pre></div>",
        escape(problems)
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_and_panel_go_before_the_closing_body() {
        let page = b"<html><body><p>plan</p></body></html>";
        let out = String::from_utf8(inject(page, 7, Some("error: <script>x</script> & more"))).unwrap();
        assert!(out.starts_with("<html><body><p>plan</p><div id=\"statuspress-errors\""), "{out}");
        assert!(out.ends_with("</script>\n</body></html>"), "{out}");
        assert!(out.contains("const v=\"7\""));
        assert!(out.contains("error: &lt;script&gt;x&lt;/script&gt; &amp; more"));
        assert!(!out.contains("<script>x"));
    }

    #[test]
    fn a_page_without_body_gets_the_script_at_its_end() {
        let out = String::from_utf8(inject(b"<p>bare</p>", 1, None)).unwrap();
        assert!(out.starts_with("<p>bare</p><script>"), "{out}");
        assert!(!out.contains("statuspress-errors"));
    }
}
