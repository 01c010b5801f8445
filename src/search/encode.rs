//! Compact posting lists for the index files. A list of document ids is written as
//! JSON numbers (the first id, then gaps), or, when most documents are in it, as a
//! bitmap in base64: a word found in every record then costs N/6 characters.

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `ids` sorted and distinct; `total` is the number of documents.
pub fn postings(ids: &[u32], total: usize) -> String {
    let mut gaps = String::with_capacity(ids.len() * 3 + 2);
    gaps.push('[');
    let mut last = 0;
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            gaps.push(',');
        }
        gaps.push_str(&(id - last).to_string());
        last = id;
    }
    gaps.push(']');
    let bitmap_len = total.div_ceil(6) + 2;
    if gaps.len() <= bitmap_len {
        return gaps;
    }
    let mut sextets = vec![0u8; total.div_ceil(6)];
    for &id in ids {
        sextets[id as usize / 6] |= 1 << (id % 6);
    }
    let mut bitmap = String::with_capacity(bitmap_len);
    bitmap.push('"');
    bitmap.extend(sextets.iter().map(|&s| BASE64[s as usize] as char));
    bitmap.push('"');
    bitmap
}

/// A small number as base64 digits, most significant first, exactly `width` long.
/// One base64 digit, `value` < 64.
pub fn digit(value: usize) -> char {
    BASE64[value] as char
}

pub fn digits(mut value: usize, width: usize, out: &mut String) {
    let start = out.len();
    for _ in 0..width {
        out.insert(start, BASE64[value % 64] as char);
        value /= 64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_lists_are_gaps() {
        assert_eq!(postings(&[3, 4, 10], 1000), "[3,1,6]");
    }

    #[test]
    fn dense_lists_are_bitmaps() {
        let ids: Vec<u32> = (0..12).collect();
        // Bits 0–5 set in each of two sextets: "//".
        assert_eq!(postings(&ids, 12), "\"//\"");
        // Two ids among twelve: the bitmap is shorter than the list.
        assert_eq!(postings(&[1, 7], 12), "\"CC\"");
    }

    #[test]
    fn digits_have_fixed_width() {
        let mut out = String::from("x");
        digits(65, 2, &mut out);
        assert_eq!(out, "xBB");
    }
}
