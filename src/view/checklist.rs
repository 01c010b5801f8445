//! The documents to bring (thành phần hồ sơ) as a clean checklist, from records as the
//! national crawl writes them: items keep their "- " and "+ " markers, group labels
//! read "* Giấy tờ phải nộp", guidance paragraphs sit among the documents, and
//! numbered groups come in any order. The record itself is left as it is (open data
//! and `sotay check` see every word); only the view is cleaned.

use serde::Serialize;

use crate::model::record::Document;
use crate::text::fold;
use crate::urls;

#[derive(Debug, PartialEq, Serialize)]
pub struct FormView {
    pub title: String,
    /// Relative to the site root: a copied file or an external address.
    pub url: Option<String>,
    pub external: bool,
}

/// One document to bring, with the alternatives or parts listed under it.
#[derive(Debug, PartialEq, Serialize)]
pub struct Item {
    pub name: String,
    /// "1 bản chính, 1 bản sao", in the interface's words.
    pub copies: Option<String>,
    pub forms: Vec<FormView>,
    pub parts: Vec<Item>,
}

/// A run of a group: documents to tick, or guidance to read.
#[derive(Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Documents { items: Vec<Item> },
    Note { text: String },
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Group {
    /// The case or kind of documents ("Giấy tờ phải nộp", "Trường hợp …").
    pub heading: Option<String>,
    pub blocks: Vec<Block>,
    /// Only guidance ("Lưu ý"): shown after the documents, folded away.
    pub notes_only: bool,
    pub notes_count: usize,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Checklist {
    pub groups: Vec<Group>,
    /// Documents to bring at the top level: guidance and alternatives are not counted.
    pub count: usize,
    /// Groups of documents with a heading: often cases of which a citizen needs one.
    pub headed_groups: usize,
}

/// One record document, classified.
struct Entry<'a> {
    document: &'a Document,
    name: String,
    /// Written with "+": a part or alternative of the item before it.
    sub: bool,
    note: bool,
}

/// `copies` says "1 bản chính, 1 bản sao" for a document, in the interface's language.
pub fn checklist(
    documents: &[Document],
    copies: impl Fn(&Document) -> Option<String>,
) -> Checklist {
    // Where no document has counts, a 0/0 document says nothing.
    let counted = documents
        .iter()
        .any(|d| d.originals.unwrap_or(0) + d.copies.unwrap_or(0) > 0);
    let mut labelled: Vec<(Option<String>, Vec<Entry>)> = Vec::new();
    for document in documents {
        let (marker, name) = strip_marker(&document.name);
        let name = tidy(name);
        if !name.chars().any(char::is_alphanumeric) {
            continue;
        }
        let heading = document.case.as_deref().and_then(group_heading);
        let note = heading.as_deref().is_some_and(is_note_label)
            || is_note_label(&name)
            || (counted
                && zero_counts(document)
                && document.forms.is_empty()
                && !name.ends_with(':'));
        let entry = Entry {
            document,
            name,
            sub: marker == Some('+'),
            note,
        };
        // Labels repeat apart from each other in crawled records: one group each.
        match labelled.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, entries)) => entries.push(entry),
            None => labelled.push((heading, vec![entry])),
        }
    }
    if labelled
        .iter()
        .all(|(h, _)| h.as_deref().is_none_or(|h| number_key(h).is_some()))
    {
        labelled.sort_by_key(|(h, _)| h.as_deref().and_then(number_key));
    }
    let mut groups: Vec<Group> = labelled
        .into_iter()
        .map(|(heading, entries)| group(heading, entries, &copies))
        .collect();
    // Guidance-only groups after every group of documents.
    groups.sort_by_key(|g| g.notes_only);
    let count = groups
        .iter()
        .flat_map(|g| &g.blocks)
        .map(|b| match b {
            Block::Documents { items } => items.len(),
            Block::Note { .. } => 0,
        })
        .sum();
    let headed_groups = groups
        .iter()
        .filter(|g| g.heading.is_some() && !g.notes_only)
        .count();
    Checklist {
        groups,
        count,
        headed_groups,
    }
}

fn group(
    heading: Option<String>,
    entries: Vec<Entry>,
    copies: &impl Fn(&Document) -> Option<String>,
) -> Group {
    let notes_only = entries.iter().all(|e| e.note);
    let notes_count = entries.iter().filter(|e| e.note).count();
    let mut blocks: Vec<Block> = Vec::new();
    let mut parent_open = false;
    for entry in entries {
        if entry.note {
            blocks.push(Block::Note { text: entry.name });
            parent_open = false;
            continue;
        }
        let item = item(entry.document, entry.name, copies(entry.document));
        match blocks.last_mut() {
            Some(Block::Documents { items }) if entry.sub && parent_open => {
                if let Some(parent) = items.last_mut() {
                    parent.parts.push(item);
                }
            }
            Some(Block::Documents { items }) => {
                items.push(item);
                parent_open = !entry.sub;
            }
            _ => {
                blocks.push(Block::Documents { items: vec![item] });
                parent_open = !entry.sub;
            }
        }
    }
    Group {
        heading,
        blocks,
        notes_only,
        notes_count,
    }
}

fn item(document: &Document, name: String, copies: Option<String>) -> Item {
    Item {
        name,
        copies,
        forms: document
            .forms
            .iter()
            .map(|f| FormView {
                title: f.title.clone(),
                url: f
                    .file
                    .as_deref()
                    .map(urls::encode_path)
                    .or_else(|| f.url.clone()),
                external: f.file.is_none() && f.url.is_some(),
            })
            .collect(),
        parts: Vec::new(),
    }
}

/// Counts written as none at all ("0 bản chính, 0 bản sao"), as the crawl writes them
/// for guidance; counts left out say nothing.
fn zero_counts(document: &Document) -> bool {
    let zero = |n: Option<u32>| n == Some(0);
    let none = |n: Option<u32>| n.is_none_or(|n| n == 0);
    (zero(document.originals) || zero(document.copies))
        && none(document.originals)
        && none(document.copies)
}

/// Bullet markers the crawl leaves at the start of a text ("- ", "+ ", "++", "* ", "•"),
/// and the first of them: `+` marks a sub-item.
pub fn strip_marker(text: &str) -> (Option<char>, &str) {
    let mut first = None;
    let rest = text.trim_start_matches(|c: char| {
        let marker = matches!(c, '-' | '+' | '*' | '•' | '–' | '—' | '·');
        if marker && first.is_none() {
            first = Some(c);
        }
        marker || c.is_whitespace()
    });
    (first, rest)
}

/// Runs of spaces folded, invisible format characters dropped, list punctuation at the
/// end ("…theo mẫu;") removed.
/// Made in one pass into one string: every document name of every page goes through
/// it, and three passes with a string each were a tenth of rendering the pages.
fn tidy(text: &str) -> String {
    let mut tidied = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c {
            '\u{200b}'..='\u{200f}' | '\u{feff}' => {}
            c if c.is_whitespace() => space = !tidied.is_empty(),
            c => {
                if std::mem::take(&mut space) {
                    tidied.push(' ');
                }
                tidied.push(c);
            }
        }
    }
    let end = tidied.trim_end_matches([';', ',']).trim_end().len();
    tidied.truncate(end);
    tidied
}

/// A group label as a heading: markers and the closing colon gone; a label that only
/// repeats the section's own title is no heading.
fn group_heading(label: &str) -> Option<String> {
    let (_, label) = strip_marker(label);
    let label = tidy(label);
    let label = label.trim_end_matches(':').trim_end();
    let folded = fold(label);
    if folded.is_empty() || folded == "thanh phan ho so" || folded == "ho so gom" {
        return None;
    }
    Some(label.to_string())
}

fn is_note_label(text: &str) -> bool {
    // Only the start matters; names run to thousands of characters.
    let start: String = text.chars().take(8).collect();
    let folded = fold(&start);
    ["luu y", "ghi chu", "chu y"]
        .iter()
        .any(|w| folded.starts_with(w))
}

/// The numbering a label starts with, to put groups the crawl shuffled back in order:
/// "(1.2) Đối với…" → `[1, 2]`; "1.3.1. Thành phần" → `[1, 3, 1]`; "b) Đối với…" → `[2]`.
fn number_key(label: &str) -> Option<Vec<u32>> {
    let label = label.trim_start_matches('(');
    let digits: String = label
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts: Vec<u32> = digits
        .split('.')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    if !parts.is_empty() {
        return Some(parts);
    }
    let mut chars = label.chars();
    let letter = chars.next()?;
    let alphabet = "abcdđefghiklmnopqrstuvxy";
    let position = alphabet.chars().position(|c| c == letter)?;
    (chars.next() == Some(')')).then(|| vec![position as u32 + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, originals: u32, case: Option<&str>) -> Document {
        Document {
            name: name.into(),
            originals: Some(originals),
            copies: Some(0),
            forms: Vec::new(),
            case: case.map(str::to_string),
        }
    }

    fn checklist_of(documents: &[Document]) -> Checklist {
        checklist(documents, |_| None)
    }

    fn names(block: &Block) -> Vec<&str> {
        match block {
            Block::Documents { items } => items.iter().map(|i| i.name.as_str()).collect(),
            Block::Note { text } => vec![text.as_str()],
        }
    }

    #[test]
    fn tidying_folds_spaces_drops_invisible_marks_and_the_closing_punctuation() {
        let cases = [
            ("  Tờ khai \t theo  mẫu;  ", "Tờ khai theo mẫu"),
            ("Giấy\u{200b} tờ \u{feff} \n khác,;", "Giấy tờ khác"),
            ("a ; ,", "a ;"),
            ("a; ,b", "a; ,b"),
            ("\u{200b} ;", ""),
            ("Bản sao\u{a0}chứng thực", "Bản sao chứng thực"),
        ];
        for (text, tidied) in cases {
            assert_eq!(tidy(text), tidied, "{text:?}");
        }
        // As the definition reads, step by step, for every mix of these pieces.
        let by_steps = |text: &str| {
            let visible: String = text
                .chars()
                .filter(|c| !matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}'))
                .collect();
            let joined = visible.split_whitespace().collect::<Vec<_>>().join(" ");
            joined.trim_end_matches([';', ',']).trim_end().to_string()
        };
        let pieces = [
            "Mẫu", " ", "\t", ";", ",", "\u{200b}", "\u{feff}", "\u{3000}", "a",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let text = [a, b, c, d].concat();
                        assert_eq!(tidy(&text), by_steps(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn markers_go_labels_become_headings_notes_are_not_counted() {
        let list = checklist_of(&[
            doc(
                "- Tờ khai đăng ký khai sinh theo mẫu;",
                1,
                Some("* Giấy tờ phải nộp"),
            ),
            doc(
                "- Chứng cứ chứng minh quan hệ cha, con gồm một trong các giấy tờ sau đây:",
                0,
                Some("* Giấy tờ phải nộp"),
            ),
            doc(
                "+ Văn bản của cơ quan y tế xác nhận quan hệ cha con",
                1,
                Some("* Giấy tờ phải nộp"),
            ),
            doc(
                "+ Giấy tờ, đồ vật khác chứng minh quan hệ cha con",
                1,
                Some("* Giấy tờ phải nộp"),
            ),
            doc(
                "Trường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.",
                0,
                Some("* Giấy tờ phải nộp"),
            ),
            doc(
                "- Người tiếp nhận có trách nhiệm kiểm tra hồ sơ.",
                0,
                Some("* Lưu ý"),
            ),
            doc("  ", 1, None),
        ]);
        assert_eq!(list.count, 2, "{list:#?}");
        assert_eq!(list.groups.len(), 2);
        let first = &list.groups[0];
        assert_eq!(first.heading.as_deref(), Some("Giấy tờ phải nộp"));
        assert_eq!(
            names(&first.blocks[0]),
            [
                "Tờ khai đăng ký khai sinh theo mẫu",
                "Chứng cứ chứng minh quan hệ cha, con gồm một trong các giấy tờ sau đây:"
            ]
        );
        let Block::Documents { items } = &first.blocks[0] else {
            panic!()
        };
        assert_eq!(
            items[1].parts.len(),
            2,
            "alternatives stay under their lead-in"
        );
        assert!(matches!(first.blocks[1], Block::Note { .. }));
        assert!(list.groups[1].notes_only);
        assert_eq!(
            list.groups[1].heading.as_deref(),
            Some("Lưu ý"),
            "the guidance group comes last"
        );
    }

    #[test]
    fn shuffled_numbered_groups_are_put_back_in_order() {
        let list = checklist_of(&[
            doc("Đơn", 1, Some("(1.2) Đối với công trình theo tuyến")),
            doc("Bản vẽ", 1, Some("(1.10) Đối với công trình khác")),
            doc(
                "Giấy tờ đất",
                1,
                Some("(1.1) Đối với công trình không theo tuyến"),
            ),
            doc(
                "Đơn đề nghị",
                1,
                Some("(1.2) Đối với công trình theo tuyến"),
            ),
        ]);
        let headings: Vec<_> = list
            .groups
            .iter()
            .map(|g| g.heading.as_deref().unwrap())
            .collect();
        assert_eq!(
            headings,
            [
                "(1.1) Đối với công trình không theo tuyến",
                "(1.2) Đối với công trình theo tuyến",
                "(1.10) Đối với công trình khác"
            ]
        );
        assert_eq!(names(&list.groups[1].blocks[0]), ["Đơn", "Đơn đề nghị"]);
        assert_eq!(list.count, 4);
        assert_eq!(list.headed_groups, 3);
    }

    #[test]
    fn a_document_without_counts_is_still_a_document() {
        let list = checklist_of(&[
            doc("Tờ khai", 1, None),
            Document {
                copies: None,
                originals: None,
                ..doc("Giấy tờ tùy thân", 0, None)
            },
        ]);
        assert_eq!(list.count, 2);
    }

    #[test]
    fn without_counts_every_document_counts() {
        let list = checklist_of(&[
            Document {
                copies: None,
                originals: None,
                ..doc("Giấy chứng sinh", 0, None)
            },
            Document {
                copies: None,
                originals: None,
                ..doc("Lưu ý: mang bản chính để đối chiếu", 0, None)
            },
        ]);
        assert_eq!(list.count, 1);
    }

    #[test]
    fn numbering() {
        assert_eq!(number_key("(1.2) Đối với"), Some(vec![1, 2]));
        assert_eq!(number_key("1.3.1. Thành phần"), Some(vec![1, 3, 1]));
        assert_eq!(number_key("b) Đối với"), Some(vec![2]));
        assert_eq!(number_key("Trường hợp"), None);
    }
}
