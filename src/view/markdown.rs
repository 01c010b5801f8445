//! Markdown to safe HTML: GFM tables, footnotes, strikethrough, task lists, alerts with
//! a visible label, heading ids; raw HTML sanitised and only safe link schemes kept.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::text::{fold, slugify};
use crate::theme::strings::Strings;

pub struct Settings<'a> {
    /// A leading `# heading` equal to this (the page's own title) is dropped: the page has one h1.
    pub page_title: Option<&'a str>,
    /// The level the body's top headings become (2 under the page's h1).
    pub top_level: u8,
    pub strings: &'a Strings,
}

pub fn to_html(markdown: &str, settings: &Settings) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let markdown = crate::view::steps::as_list(markdown);
    let mut events: Vec<Event> = Parser::new_ext(&markdown, options).collect();
    drop_title(&mut events, settings.page_title);
    let has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let events = rewrite(events, settings);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html { sanitise(&html) } else { html }
}

/// Removes a first heading that repeats the page title.
fn drop_title(events: &mut Vec<Event>, title: Option<&str>) {
    let Some(title) = title else { return };
    let first = events
        .iter()
        .position(|e| !matches!(e, Event::SoftBreak | Event::HardBreak));
    let Some(start) = first else { return };
    if !matches!(
        events[start],
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })
    ) {
        return;
    }
    let Some(len) = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
    else {
        return;
    };
    let text = fold(plain_text(&events[start + 1..start + len]).trim());
    let title = fold(title.trim());
    // The crawl sometimes cuts the body's copy of a long title short.
    let cut_short = text.chars().count() >= 20 && title.starts_with(&text);
    if text == title || cut_short {
        events.drain(start..=start + len);
    }
}

fn plain_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Heading levels renumbered so the body's top level is `top_level` and no level is
/// skipped (a screen reader's outline has no gaps); ids added; alerts labelled; links checked.
fn rewrite<'a>(events: Vec<Event<'a>>, settings: &Settings) -> Vec<Event<'a>> {
    let mut levels: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as u8),
            _ => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut used_ids: Vec<String> = Vec::new();
    let mut previous = settings.top_level - 1;
    let mut out = Vec::with_capacity(events.len());
    // For each open list: whether it is a list of steps, written as HTML of its own.
    let mut lists: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::List(start)) => {
                let steps = start.is_some() && is_steps_list(&events[i..]);
                lists.push(steps);
                match start {
                    Some(n) if steps && *n != 1 => out.push(Event::Html(CowStr::from(format!(
                        "<ol class=\"steps\" start=\"{n}\">\n"
                    )))),
                    _ if steps => out.push(Event::Html(CowStr::from("<ol class=\"steps\">\n"))),
                    _ => out.push(events[i].clone()),
                }
            }
            Event::End(TagEnd::List(ordered)) => {
                if lists.pop() == Some(true) {
                    out.push(Event::Html(CowStr::from("</ol>\n")));
                } else {
                    out.push(Event::End(TagEnd::List(*ordered)));
                }
            }
            // "a) …", "2. …" on a line of their own stay on their own line.
            Event::SoftBreak if matches!(events.get(i + 1), Some(Event::Text(t)) if crate::view::steps::starts_enumerated(t)) => {
                out.push(Event::HardBreak)
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let rank = levels.iter().position(|l| *l == *level as u8).unwrap_or(0) as u8;
                let new_level = (settings.top_level + rank).min(previous + 1).min(6);
                previous = new_level;
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let text = plain_text(&events[i + 1..end]);
                let id = unique_id(
                    id.as_deref().map_or_else(|| slugify(&text), slugify),
                    &mut used_ids,
                );
                let level = heading_level(new_level);
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                out.extend(events[i + 1..end].iter().cloned());
                out.push(Event::End(TagEnd::Heading(level)));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, key) = alert(*kind);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-label\"><strong>{}</strong></p>\n",
                    crate::render::html::escape(settings.strings.get(key))
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html(CowStr::from("</div>\n")))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: safe_url(dest_url),
                title: title.clone(),
                id: id.clone(),
            })),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: safe_url(dest_url),
                title: title.clone(),
                id: id.clone(),
            })),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// A list whose first item starts with "**Bước …**", as [`crate::view::steps::as_list`] writes it.
fn is_steps_list(events: &[Event]) -> bool {
    // A loose list (blank lines between steps) has a paragraph in each item.
    let item = match events {
        [
            _,
            Event::Start(Tag::Item),
            Event::Start(Tag::Paragraph),
            rest @ ..,
        ] => rest,
        [_, Event::Start(Tag::Item), rest @ ..] => rest,
        _ => return false,
    };
    matches!(item, [Event::Start(Tag::Strong), Event::Text(t), ..] if t.starts_with("Bước "))
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn unique_id(base: String, used: &mut Vec<String>) -> String {
    let base = if base.is_empty() {
        "muc".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while used.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    used.push(id.clone());
    id
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "alert.note"),
        BlockQuoteKind::Tip => ("tip", "alert.tip"),
        BlockQuoteKind::Important => ("important", "alert.important"),
        BlockQuoteKind::Warning => ("warning", "alert.warning"),
        BlockQuoteKind::Caution => ("caution", "alert.caution"),
    }
}

/// Keeps http(s), mailto, tel and relative URLs; anything else (`javascript:`,
/// `data:`, `vbscript:`, also disguised with spaces or case) becomes `#`.
pub fn safe_url<'a>(url: &CowStr<'a>) -> CowStr<'a> {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = squeezed.find(':');
    let path_start = squeezed.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(colon), Some(path)) => colon < path,
        (Some(_), None) => true,
        _ => false,
    };
    let allowed = !has_scheme
        || ["http:", "https:", "mailto:", "tel:"]
            .iter()
            .any(|s| squeezed.starts_with(s));
    if allowed {
        url.clone()
    } else {
        CowStr::from("#")
    }
}

/// Raw HTML in Markdown keeps only harmless markup: no scripts, styles, frames, event
/// handlers or unsafe URLs.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        let strings = Strings::for_tests("vi");
        to_html(
            md,
            &Settings {
                page_title: Some("Đăng ký khai sinh"),
                top_level: 2,
                strings: &strings,
            },
        )
    }

    #[test]
    fn repeated_title_is_dropped_and_levels_shift_without_gaps() {
        let html = render("# Đăng ký khai sinh\n\n## Trình tự thực hiện\n\n#### Bước 1\n\ntext\n");
        assert!(!html.contains("<h1"), "{html}");
        assert!(
            html.contains("<h2 id=\"trinh-tu-thuc-hien\">Trình tự thực hiện</h2>"),
            "{html}"
        );
        assert!(html.contains("<h3 id=\"buoc-1\">Bước 1</h3>"), "{html}");
    }

    #[test]
    fn a_title_cut_short_is_still_the_title() {
        let strings = Strings::for_tests("vi");
        let html = to_html(
            "# Thủ tục điều chỉnh Quyết định chấp thuận nhà\n\n## Trình tự thực hiện\n",
            &Settings {
                page_title: Some("Thủ tục điều chỉnh Quyết định chấp thuận nhà đầu tư"),
                top_level: 2,
                strings: &strings,
            },
        );
        assert_eq!(
            html,
            "<h2 id=\"trinh-tu-thuc-hien\">Trình tự thực hiện</h2>\n"
        );
    }

    #[test]
    fn alerts_have_a_visible_label() {
        let html = render("> [!NOTE]\n> Mang theo bản chính để đối chiếu.\n");
        assert!(html.contains("<div class=\"alert alert-note\" role=\"note\"><p class=\"alert-label\"><strong>Lưu ý</strong></p>"), "{html}");
        assert!(html.contains("Mang theo bản chính"), "{html}");
    }

    #[test]
    fn gfm_features() {
        let html = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~cũ~~ mới[^1]\n\n- [x] xong\n\n[^1]: chú thích\n",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>cũ</del>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("footnote"), "{html}");
    }

    #[test]
    fn hostile_markup_is_neutralised() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil\"></iframe>\n\n[a](javascript:alert(1)) [b]( JaVa\tScript:alert(1)) [c](data:text/html,x) <a href=\"javascript:alert(2)\">d</a>\n\n[ok](https://dichvucong.gov.vn) [rel](../thu-tuc/) <b>đậm</b>\n",
        );
        for bad in ["<script", "onerror", "<iframe", "javascript:", "data:text"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        // Not a link in CommonMark (the URL has a space): it stays inert text.
        assert!(!html.to_lowercase().contains("href=\"java"), "{html}");
        assert!(
            html.contains("href=\"https://dichvucong.gov.vn\""),
            "{html}"
        );
        assert!(html.contains("href=\"../thu-tuc/\""), "{html}");
        assert!(html.contains("<b>đậm</b>"), "{html}");
    }

    #[test]
    fn numbered_steps_become_a_list_of_steps() {
        let html = render(
            "## Trình tự thực hiện\n\nBước 1: Nộp hồ sơ.\n Bước 2: Nhận kết quả.\n\nBước 3: Lưu.\n",
        );
        assert!(html.contains("<ol class=\"steps\">"), "{html}");
        assert_eq!(html.matches("<li>").count(), 3, "{html}");
        assert!(
            html.contains("<strong>Bước 2:</strong> Nhận kết quả."),
            "{html}"
        );
        let lines = render("Hồ sơ gồm:\na) Đơn;\nb) Tờ khai.\n");
        assert!(lines.contains("Đơn;<br />"), "{lines}");
    }

    #[test]
    fn text_is_escaped() {
        let html = render("1 < 2 & \"x\"\n");
        assert!(html.contains("1 &lt; 2 &amp; \"x\""), "{html}");
    }
}
