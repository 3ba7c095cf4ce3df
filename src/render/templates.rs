//! The theme: templates embedded in the binary, overridden by a project's `templates/`
//! files of the same name.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::diff::format::{escape_md, escape_md_url};
use crate::model::Kind;

/// The default theme, compiled in so a bare project builds with no files of its own.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("components.html", include_str!("../../templates/components.html")),
    ("charts.html", include_str!("../../templates/charts.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("portfolio.html", include_str!("../../templates/portfolio.html")),
    ("portfolio.js", include_str!("../../templates/portfolio.js")),
    ("plan.html", include_str!("../../templates/plan.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("item.html", include_str!("../../templates/item.html")),
    ("revisions.html", include_str!("../../templates/revisions.html")),
    ("revision.html", include_str!("../../templates/revision.html")),
    ("changes.html", include_str!("../../templates/changes.html")),
    ("certification.html", include_str!("../../templates/certification.html")),
    ("removed.html", include_str!("../../templates/removed.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("diff.html", include_str!("../../templates/diff.html")),
    ("reports.html", include_str!("../../templates/reports.html")),
    ("report.html", include_str!("../../templates/report.html")),
    ("report.md", include_str!("../../templates/report.md")),
    ("report.txt", include_str!("../../templates/report.txt")),
    ("email.html", include_str!("../../templates/email.html")),
    ("email-style.html", include_str!("../../templates/email-style.html")),
    ("digest.md", include_str!("../../templates/digest.md")),
    ("digest.txt", include_str!("../../templates/digest.txt")),
    ("digest.html", include_str!("../../templates/digest.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("site.js", include_str!("../../templates/site.js")),
];

/// Each kind's partials, every file of `templates/kinds/` (listed by `build.rs`): its item
/// page `kinds/<kind>.html`, extending `item.html`, and its list page `kinds/<kind>-list.html`,
/// extending `list.html`.
pub const KIND_PARTIALS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/kind_partials.rs"));

/// The pages every kind has, each from a template the kind's partial extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindPage {
    Item,
    List,
}

impl KindPage {
    /// The template the kind's partial extends.
    fn base(self) -> &'static str {
        match self {
            KindPage::Item => "item.html",
            KindPage::List => "list.html",
        }
    }

    fn partial(self, kind: Kind) -> String {
        match self {
            KindPage::Item => format!("kinds/{}.html", kind.name()),
            KindPage::List => format!("kinds/{}-list.html", kind.name()),
        }
    }

    /// The page a partial makes.
    fn of_partial(name: &str) -> KindPage {
        if name.ends_with("-list.html") { KindPage::List } else { KindPage::Item }
    }

    /// The template of `kind`'s page among `templates`: its partial, or the base when the
    /// theme has none (a project that overrides the base renders every kind with it; a test
    /// makes sure the built-in theme has every partial).
    pub fn template(self, kind: Kind, templates: &[Template]) -> &'static str {
        let name = self.partial(kind);
        let partial = KIND_PARTIALS.iter().map(|(n, _)| *n).find(|n| *n == name);
        partial.filter(|n| templates.iter().any(|t| t.name == *n)).unwrap_or(self.base())
    }
}

/// One template of the effective theme and where it came from.
#[derive(Clone)]
pub struct Template {
    pub name: String,
    pub text: String,
    /// `templates/x.html` for a project override, `built-in x.html` otherwise.
    pub origin: String,
}

/// The embedded theme with the project's overrides (and additions) applied by file name.
/// A template that is a symbolic link is read only when it leads inside the project (see
/// [`crate::load::inside_project`]): `style.css -> /etc/passwd` would publish that file.
pub fn effective(root: &Path) -> Result<Vec<Template>, Vec<Diagnostic>> {
    let mut templates: Vec<Template> = DEFAULTS
        .iter()
        .chain(KIND_PARTIALS)
        .map(|(name, text)| Template {
            name: (*name).to_string(),
            text: (*text).to_string(),
            origin: format!("built-in {name}"),
        })
        .collect();
    let dir = root.join("templates");
    if !dir.is_dir() {
        return Ok(templates);
    }
    let project = crate::load::project_root(root).map_err(|d| vec![d])?;
    crate::load::inside_project(&project, &dir, "templates").map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(Result::ok).collect(),
        Err(e) => {
            return Err(vec![Diagnostic::error(format!("cannot read templates/: {e}")).in_file("templates/")]);
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let origin = format!("templates/{name}");
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_symlink())
            && let Err(d) = crate::load::inside_project(&project, &entry.path(), &origin)
        {
            problems.push(d);
            continue;
        }
        if !entry.path().is_file() {
            continue;
        }
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => match templates.iter_mut().find(|t| t.name == name) {
                Some(t) => *t = Template { name, text, origin },
                None => templates.push(Template { name, text, origin }),
            },
            Err(e) => problems.push(Diagnostic::error(format!("cannot read template: {e}")).in_file(origin)),
        }
    }
    // The built-in partials fill the blocks of the built-in `item.html` and `list.html`: a
    // project's own `item.html` makes the item page of every kind, as before there were
    // partials, and so does its own `list.html` for lists.
    let overridden: Vec<String> =
        templates.iter().filter(|t| !t.origin.starts_with("built-in")).map(|t| t.name.clone()).collect();
    templates.retain(|t| {
        !t.name.starts_with("kinds/") || !overridden.iter().any(|o| *o == KindPage::of_partial(&t.name).base())
    });
    if problems.is_empty() { Ok(templates) } else { Err(problems) }
}

/// A project's theme, made once for a run: its effective templates and the two engines that
/// render them (HTML/XML, and markdown with its own escaping), shared by every site, report
/// and page of the run rather than compiled again for each.
pub struct Theme {
    pub templates: Vec<Template>,
    pub html: tera::Tera,
    pub markdown: tera::Tera,
}

impl Theme {
    /// The theme of the project at `root`: the embedded one with its `templates/` overrides.
    pub fn load(root: &Path) -> Result<Theme, Vec<Diagnostic>> {
        Theme::of(effective(root)?)
    }

    /// Compiles `templates` into both engines; a broken template is named by file.
    pub fn of(templates: Vec<Template>) -> Result<Theme, Vec<Diagnostic>> {
        let html = engine(&templates)?;
        let markdown = markdown_engine(&templates)?;
        Ok(Theme { templates, html, markdown })
    }

    /// The text of a template that is published as it is (`style.css`, `site.js`).
    pub fn text(&self, name: &str) -> &str {
        self.templates.iter().find(|t| t.name == name).map_or("", |t| t.text.as_str())
    }
}

/// Loads the HTML/XML templates into Tera (autoescaped), reporting errors by file. The
/// markdown templates have an engine of their own ([`markdown_engine`]).
pub fn engine(templates: &[Template]) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
    register_words(&mut tera);
    load(tera, templates, |name| !name.ends_with(".css") && !name.ends_with(".js") && !is_markdown(name))
}

/// Loads the markdown templates (`report.md`, `digest.md`, and any `.md` a project adds for
/// them to include) into a Tera whose autoescape is [`escape_md`]: every `{{ }}` in them is
/// escaped for GitHub, GitLab and chat by default, as every `{{ }}` in a page is HTML-escaped,
/// so a field cannot be forgotten (§9). Tera has one escape function per instance, hence a
/// second instance. The few values that are markdown on purpose are built in the template
/// and marked `| safe`. The `md` filter escapes and marks safe, for project templates written
/// when it had to be applied by hand; `md_url` does so for a link's URL ([`escape_md_url`]).
pub fn markdown_engine(templates: &[Template]) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".md"]);
    tera.set_escape_fn(|text, out| out.write_all(escape_md(text).as_bytes()));
    tera.register_filter("md", |text: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape_md(text))
    });
    tera.register_filter("md_url", |url: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape_md_url(url))
    });
    register_words(&mut tera);
    load(tera, templates, is_markdown)
}

/// Words, not data, in every kind of template: `"day" | plural(n=3)` is "days",
/// `"not-met" | words` is "not met", `85.0 | number` is "85".
fn register_words(tera: &mut tera::Tera) {
    tera.register_filter("plural", |noun: &str, kwargs: tera::Kwargs, _: &tera::State| {
        kwargs.must_get::<i64>("n").map(|n| crate::values::plural(noun, n))
    });
    tera.register_filter("words", |text: &str, _: tera::Kwargs, _: &tera::State| crate::values::words(text));
    tera.register_filter("number", |v: f64, _: tera::Kwargs, _: &tera::State| crate::values::number(v));
}

fn is_markdown(name: &str) -> bool {
    name.ends_with(".md")
}

/// `tera` with the templates whose names pass `wanted`.
fn load(mut tera: tera::Tera, templates: &[Template], wanted: fn(&str) -> bool) -> Result<tera::Tera, Vec<Diagnostic>> {
    let sources: Vec<(&str, &str)> =
        templates.iter().filter(|t| wanted(&t.name)).map(|t| (t.name.as_str(), t.text.as_str())).collect();
    tera.add_raw_templates(sources).map_err(|e| vec![template_error(&e, templates, None)])?;
    Ok(tera)
}

/// A template error, naming the file the template came from.
pub fn template_error(error: &tera::Error, templates: &[Template], rendering: Option<&str>) -> Diagnostic {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(&format!("\n{inner}"));
        source = inner.source();
    }
    // Tera names templates by file name; say which file that is (override or built-in).
    let named: Vec<&Template> = templates
        .iter()
        .filter(|t| text.contains(&format!("{}:", t.name)) || text.contains(&format!("'{}'", t.name)))
        .collect();
    let origin = named.first().map_or_else(|| "templates/".to_string(), |t| t.origin.clone());
    let what =
        rendering.map_or_else(|| "template error".to_string(), |page| format!("template error while rendering {page}"));
    Diagnostic::error(format!("{what} in {origin}:\n{}", text.trim_end())).in_file(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind without its partials would render pages without its facts and columns: every
    /// kind with pages (all but the plan, whose page is `plan.html`) has both, and every
    /// partial is a kind's.
    #[test]
    fn every_kind_has_its_partial() {
        let theme = effective(Path::new("/nonexistent")).unwrap();
        let pages = [KindPage::Item, KindPage::List];
        for (kind, page) in Kind::ALL.iter().filter(|k| **k != Kind::Plan).flat_map(|k| pages.map(|p| (*k, p))) {
            assert_ne!(page.template(kind, &theme), page.base(), "templates/{} is missing", page.partial(kind));
        }
        for (name, _) in KIND_PARTIALS {
            let kind = Kind::ALL.iter().find(|k| pages.iter().any(|p| p.partial(**k) == *name));
            assert!(kind.is_some_and(|k| *k != Kind::Plan), "{name} is no kind's partial");
        }
    }
}
