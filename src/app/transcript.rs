//! The chat transcript: its entries, their wrapped heights (cached per entry) and the scroll
//! position, so that drawing touches only the visible lines however long the history grows.

use crate::ui::markdown::MarkdownDoc;

/// Who or what an entry comes from; decides its header and colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    User,
    Assistant,
    /// A one-line problem report (cause and fix).
    Error,
    /// A neutral note from the cockpit (e.g. "cancelled").
    Info,
}

#[derive(Debug)]
pub struct Entry {
    pub kind: EntryKind,
    pub doc: MarkdownDoc,
}

/// Rows an entry takes besides its text: a header line above and a blank line below.
pub const ENTRY_CHROME: usize = 2;

#[derive(Debug, Default)]
pub struct Transcript {
    entries: Vec<Entry>,
    /// `starts[i]` is the first row of entry `i`; `starts[len]` the total height.
    starts: Vec<usize>,
    width: u16,
    /// Entries from this index on need a fresh layout before the next draw.
    stale_from: Option<usize>,
    /// Top row shown when not following; following pins the view to the bottom.
    top: usize,
    follow: bool,
    /// Entries whose wrapped rows are in memory; the others are parked (height only).
    resident: Vec<usize>,
}

/// Entries kept rendered on each side of the viewport, so small scrolls cost nothing.
const RESIDENT_MARGIN: usize = 8;

impl Transcript {
    pub fn new() -> Self {
        Self {
            starts: vec![0],
            follow: true,
            ..Self::default()
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn push(&mut self, kind: EntryKind, doc: MarkdownDoc) {
        self.entries.push(Entry { kind, doc });
        self.mark_stale(self.entries.len() - 1);
    }

    /// The last entry, when it has the given kind (e.g. the assistant answer being streamed).
    pub fn last_mut(&mut self, kind: EntryKind) -> Option<&mut MarkdownDoc> {
        let index = self.entries.len().checked_sub(1)?;
        if self.entries[index].kind != kind {
            return None;
        }
        self.mark_stale(index);
        Some(&mut self.entries[index].doc)
    }

    fn mark_stale(&mut self, index: usize) {
        self.stale_from = Some(self.stale_from.map_or(index, |s| s.min(index)));
    }

    /// Bring wrapped heights up to date for `width`; work is proportional to what changed.
    pub fn layout(&mut self, width: u16) {
        if width != self.width {
            self.width = width;
            self.stale_from = Some(0);
        }
        let Some(from) = self.stale_from.take() else {
            return;
        };
        self.starts.truncate(from + 1);
        for (index, entry) in self.entries.iter_mut().enumerate().skip(from) {
            entry.doc.layout(width);
            let start = self.starts[self.starts.len() - 1];
            self.starts.push(start + entry.doc.height() + ENTRY_CHROME);
            self.resident.push(index);
        }
    }

    /// Keep wrapped rows only for the entries around a viewport `height` rows tall (and the
    /// newest one); park the rest, so memory stays flat however long the chat grows. Call
    /// after `layout` and before drawing.
    pub fn settle(&mut self, height: usize) {
        let top = self.top(height);
        let (Some(first), Some(last)) = (
            self.entry_at(top),
            self.entry_at((top + height).saturating_sub(1))
                .or(self.entries.len().checked_sub(1)),
        ) else {
            return;
        };
        let keep = first.saturating_sub(RESIDENT_MARGIN)
            ..(last + RESIDENT_MARGIN + 1).min(self.entries.len());
        let newest = self.entries.len() - 1;
        for index in std::mem::take(&mut self.resident) {
            if !keep.contains(&index) && index != newest {
                self.entries[index].doc.park();
            }
        }
        for index in keep.clone().chain(std::iter::once(newest)) {
            self.entries[index].doc.layout(self.width);
            if !self.resident.contains(&index) {
                self.resident.push(index);
            }
        }
    }

    pub fn needs_layout(&self) -> bool {
        self.stale_from.is_some()
    }

    pub fn total_height(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// First row of entry `index` (as of the last layout).
    pub fn start_of(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(0)
    }

    /// The entry that holds `row`, found by binary search over the cached starts.
    pub fn entry_at(&self, row: usize) -> Option<usize> {
        if row >= self.total_height() {
            return None;
        }
        Some(self.starts.partition_point(|&start| start <= row) - 1)
    }

    pub fn is_following(&self) -> bool {
        self.follow
    }

    /// Top row of a viewport `height` rows tall.
    pub fn top(&self, height: usize) -> usize {
        let max_top = self.total_height().saturating_sub(height);
        if self.follow {
            max_top
        } else {
            self.top.min(max_top)
        }
    }

    /// Rows below the viewport (what "scrolled up" means to the user).
    pub fn rows_below(&self, height: usize) -> usize {
        self.total_height()
            .saturating_sub(self.top(height) + height)
    }

    /// Scroll by `delta` rows; reaching the bottom resumes following the stream.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max_top = self.total_height().saturating_sub(height);
        let top = self.top(height).saturating_add_signed(delta).min(max_top);
        self.top = top;
        self.follow = top >= max_top;
    }

    pub fn scroll_to_top(&mut self) {
        self.top = 0;
        self.follow = self.total_height() == 0;
    }

    pub fn follow_bottom(&mut self) {
        self.follow = true;
    }
}
