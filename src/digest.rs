//! Hashes of values, for the keys the notes keep: a page's data, a record and its
//! list line, the configuration. A value is fed to XXH3 as it serialises, each part
//! led by a tag and each string by its length, so two different values of a type
//! never give the same bytes. Hashing values as JSON spent two thirds of its time
//! escaping strings that are never written: the keys of the 1,800 list pages of
//! 10,000 records were 7% of a build that changed one record.
//!
//! The serializer is not human readable: a type may stand in with a digest of its
//! own, as a list line does, made once for every list it is in.

use serde::Serialize;
use serde::ser::{self, SerializeMap, SerializeSeq, SerializeStruct};
use xxhash_rust::xxh3::Xxh3;

/// The hash of `value`; `None` when it cannot be serialised (a file name that is
/// not UTF-8, say), which the code that serialises it for real then reports.
pub fn digest(value: &impl Serialize) -> Option<u128> {
    let mut digest = Digest::default();
    digest.add(value)?;
    Some(digest.finish())
}

/// A hash fed value after value.
pub struct Digest {
    hash: Xxh3,
    /// Tags and short strings, gathered before they go to the hash: one call for
    /// each would cost more than hashing the bytes.
    pending: Vec<u8>,
}

impl Default for Digest {
    fn default() -> Digest {
        Digest {
            hash: Xxh3::new(),
            pending: Vec::with_capacity(BATCH),
        }
    }
}

const BATCH: usize = 4096;

impl Digest {
    /// Adds `value`; `None` when it cannot be serialised.
    pub fn add(&mut self, value: &impl Serialize) -> Option<()> {
        value.serialize(&mut *self).ok()
    }

    pub fn finish(mut self) -> u128 {
        self.flush();
        self.hash.digest128()
    }

    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() > BATCH {
            self.flush();
            self.hash.update(bytes);
            return;
        }
        if self.pending.len() + bytes.len() > BATCH {
            self.flush();
        }
        self.pending.extend_from_slice(bytes);
    }

    fn flush(&mut self) {
        self.hash.update(&self.pending);
        self.pending.clear();
    }

    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.put(&[tag]);
        self.put(bytes);
    }

    /// Bytes of any length, after their length.
    fn sized(&mut self, tag: u8, bytes: &[u8]) {
        self.tagged(tag, &(bytes.len() as u64).to_le_bytes());
        self.put(bytes);
    }
}

/// What a [`Digest`] cannot hash: a value whose `Serialize` failed.
#[derive(Debug)]
pub struct Unserialisable;

impl std::fmt::Display for Unserialisable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the value cannot be serialised")
    }
}

impl std::error::Error for Unserialisable {}

impl ser::Error for Unserialisable {
    fn custom<T: std::fmt::Display>(_: T) -> Unserialisable {
        Unserialisable
    }
}

// Tags. Every value starts with one, and the ends of sequences and maps are bytes
// no value starts with: the bytes of a value never begin those of another.
const BOOL: u8 = b'b';
const SIGNED: u8 = b'i';
const UNSIGNED: u8 = b'u';
const WIDE_SIGNED: u8 = b'I';
const WIDE_UNSIGNED: u8 = b'U';
const FLOAT: u8 = b'f';
const CHAR: u8 = b'c';
const STR: u8 = b's';
const BYTES: u8 = b'y';
const NONE: u8 = b'n';
const SOME: u8 = b'o';
const UNIT: u8 = b'z';
const VARIANT: u8 = b'e';
const WITH_VARIANT: u8 = b'E';
const SEQ: u8 = b'[';
const SEQ_END: u8 = b']';
const MAP: u8 = b'{';
const MAP_END: u8 = b'}';

/// Serializer methods that widen their value and hand it on.
macro_rules! widened {
    ($($($method:ident($narrow:ty)),+ => $wide:ident($to:ty);)+) => {
        $($(
            fn $method(self, v: $narrow) -> Result<(), Unserialisable> {
                self.$wide(<$to>::from(v))
            }
        )+)+
    };
}

impl ser::Serializer for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    // Narrower integers hash as the widest of their sign: a value's hash does not
    // depend on the width a type gives it.
    widened! {
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32) => serialize_i64(i64);
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32) => serialize_u64(u64);
    }

    /// Types with a compact form for machines give it: a hash needs no more.
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Unserialisable> {
        self.tagged(BOOL, &[u8::from(v)]);
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unserialisable> {
        self.tagged(SIGNED, &v.to_le_bytes());
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Unserialisable> {
        self.tagged(WIDE_SIGNED, &v.to_le_bytes());
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unserialisable> {
        self.tagged(UNSIGNED, &v.to_le_bytes());
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Unserialisable> {
        self.tagged(WIDE_UNSIGNED, &v.to_le_bytes());
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Unserialisable> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unserialisable> {
        self.tagged(FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Unserialisable> {
        self.tagged(CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Unserialisable> {
        self.sized(STR, v.as_bytes());
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unserialisable> {
        self.sized(BYTES, v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Unserialisable> {
        self.put(&[NONE]);
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unserialisable> {
        self.put(&[SOME]);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unserialisable> {
        self.put(&[UNIT]);
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unserialisable> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
    ) -> Result<(), Unserialisable> {
        self.tagged(VARIANT, &index.to_le_bytes());
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unserialisable> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unserialisable> {
        self.tagged(WITH_VARIANT, &index.to_le_bytes());
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unserialisable> {
        self.put(&[SEQ]);
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, Unserialisable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Unserialisable> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Unserialisable> {
        self.tagged(WITH_VARIANT, &index.to_le_bytes());
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, Unserialisable> {
        self.put(&[MAP]);
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unserialisable> {
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Unserialisable> {
        self.tagged(WITH_VARIANT, &index.to_le_bytes());
        self.serialize_map(None)
    }
}

impl SerializeSeq for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_element<T: ?Sized + Serialize>(
        &mut self,
        value: &T,
    ) -> Result<(), Unserialisable> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Unserialisable> {
        self.put(&[SEQ_END]);
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_element<T: ?Sized + Serialize>(
        &mut self,
        value: &T,
    ) -> Result<(), Unserialisable> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unserialisable> {
        SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unserialisable> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unserialisable> {
        SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unserialisable> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Unserialisable> {
        SerializeSeq::end(self)
    }
}

impl SerializeMap for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Unserialisable> {
        key.serialize(&mut **self)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unserialisable> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Unserialisable> {
        self.put(&[MAP_END]);
        Ok(())
    }
}

/// A struct is hashed as a map from its fields' names: a field skipped when empty
/// leaves no gap another field could fill.
impl SerializeStruct for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unserialisable> {
        self.sized(STR, name.as_bytes());
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Unserialisable> {
        SerializeMap::end(self)
    }
}

impl ser::SerializeStructVariant for &mut Digest {
    type Ok = ();
    type Error = Unserialisable;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unserialisable> {
        SerializeStruct::serialize_field(self, name, value)
    }

    fn end(self) -> Result<(), Unserialisable> {
        SerializeMap::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Line {
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        fee: Option<String>,
        time: Option<String>,
    }

    fn line(title: &str, fee: Option<&str>, time: Option<&str>) -> Option<u128> {
        digest(&Line {
            title: title.into(),
            fee: fee.map(Into::into),
            time: time.map(Into::into),
        })
    }

    #[test]
    fn values_that_differ_anywhere_hash_apart() {
        let base = line("Tách hộ", Some("Miễn phí"), Some("3 ngày"));
        assert_eq!(base, line("Tách hộ", Some("Miễn phí"), Some("3 ngày")));
        let others = [
            line("Tách hộ ", Some("Miễn phí"), Some("3 ngày")),
            line("Tách hộ", Some("Miễn phí"), None),
            line("Tách hộ", None, Some("3 ngày")),
            // What a field skipped when empty leaves is no room for a neighbour.
            line("Tách hộ", Some("3 ngày"), None),
            line("Tách hộMiễn phí", None, Some("3 ngày")),
        ];
        for other in others {
            assert_ne!(base, other);
        }
        // Strings are led by their lengths: where one ends is part of the hash.
        assert_ne!(digest(&("ab", "c")), digest(&("a", "bc")));
        assert_ne!(
            digest(&vec![vec![1u8], vec![]]),
            digest(&vec![vec![], vec![1u8]])
        );
    }

    #[test]
    fn every_byte_of_a_long_value_counts() {
        // Longer than what is gathered before hashing: it reaches the hash in pieces.
        let parts: Vec<String> = (0..3000).map(|n| format!("thành phần {n}")).collect();
        let base = digest(&parts);
        assert_eq!(base, digest(&parts.clone()));
        for at in [0, 1500, 2999] {
            let mut changed = parts.clone();
            changed[at].push('.');
            assert_ne!(base, digest(&changed), "part {at}");
        }
        let long = "phí ".repeat(3000);
        assert_ne!(digest(&(&long, "a")), digest(&(&long, "b")));
        assert_ne!(digest(&("a", &long)), digest(&("b", &long)));
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_cannot_be_serialised_has_no_hash() {
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"th\xffu-tuc.md"));
        assert_eq!(digest(&path), None);
    }
}
