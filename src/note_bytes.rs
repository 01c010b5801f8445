//! The plain binary encoding of the notes sotay keeps in `.sotay-cache` between
//! builds (lengths and numbers little-endian, text as UTF-8 with its length before
//! it): quicker to read back than JSON, and the notes are sealed with a checksum
//! ([`crate::sources::cache::write_note`]), so a reader only has to stop at the end.

/// Where a [`Writer`] puts what it writes.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Only counts the bytes: to size a large note before it is written.
#[derive(Default)]
pub(crate) struct Count(pub usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Appends to a note.
pub(crate) struct Writer<S = Vec<u8>>(pub S);

impl<S: Sink> Writer<S> {
    pub fn len(&mut self, len: usize) {
        self.0.put(&(len as u64).to_le_bytes());
    }

    pub fn u32(&mut self, value: u32) {
        self.0.put(&value.to_le_bytes());
    }

    pub fn u128(&mut self, value: u128) {
        self.0.put(&value.to_le_bytes());
    }

    pub fn text(&mut self, text: &str) {
        self.len(text.len());
        self.0.put(text.as_bytes());
    }

    /// A list of texts, its length first ([`Reader::texts`]).
    pub fn texts<'t>(&mut self, texts: impl ExactSizeIterator<Item = &'t str>) {
        self.len(texts.len());
        texts.for_each(|text| self.text(text));
    }
}

/// Reads what a [`Writer`] wrote, front to back; `None` past the end.
pub(crate) struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (taken, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*taken)
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    pub fn u128(&mut self) -> Option<u128> {
        self.take().map(u128::from_le_bytes)
    }

    pub fn len(&mut self) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(self.take()?)).ok()
    }

    pub fn text(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        let text = self.0.get(..len)?;
        self.0 = &self.0[len..];
        crate::text::utf8(text)
    }

    /// What [`Writer::texts`] wrote, collected into a list or a set.
    pub fn texts<C: FromIterator<String>>(&mut self) -> Option<C> {
        (0..self.len()?)
            .map(|_| Some(self.text()?.to_string()))
            .collect()
    }

    /// Whether everything was read: a note with bytes left over is not trusted.
    pub fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}
