//! The live resource table: a header with the kind, namespace, counts and sync state, the
//! kind's column titles, and only the rows in view, coloured by state, with a selected row.
//! It reads a `live::store::Store` and never changes it; the scroll position is the caller's.

use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

use crate::live::age::human_duration;
use crate::live::row::{Column, ColumnId, Tone};
use crate::live::store::{Store, SyncState};
use crate::ui::theme;

/// Columns are separated by this many spaces.
const GAP: u16 = 2;
/// NAME never gets narrower than this while other columns remain.
const MIN_NAME: u16 = 18;

/// The scroll position and selection, kept by the pane between frames.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableView {
    /// The first visible row.
    pub offset: usize,
    /// The selected row, among the visible (filtered) rows.
    pub selected: usize,
}

impl TableView {
    /// Clamps the selection to `len` rows and scrolls the least needed to keep it within a
    /// window of `height` rows.
    pub fn follow(mut self, len: usize, height: usize) -> Self {
        self.selected = self.selected.min(len.saturating_sub(1));
        if height == 0 {
            return self;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
        self
    }

    /// Rows a table drawn in `area` has room for (the area minus its two header lines).
    pub fn rows_in(area: Rect) -> usize {
        usize::from(area.height.saturating_sub(2))
    }
}

/// The times the table is drawn at: wall clock for ages, monotonic for the outage length.
#[derive(Clone, Copy, Debug)]
pub struct DrawTime {
    /// Unix seconds.
    pub wall: i64,
    pub mono: Instant,
}

impl DrawTime {
    pub fn now() -> Self {
        DrawTime {
            wall: jiff::Timestamp::now().as_second(),
            mono: Instant::now(),
        }
    }
}

pub struct ResourceTable<'a> {
    store: &'a Store,
    view: TableView,
    time: DrawTime,
    focused: bool,
}

impl<'a> ResourceTable<'a> {
    pub fn new(store: &'a Store, view: TableView, time: DrawTime) -> Self {
        ResourceTable {
            store,
            view,
            time,
            focused: true,
        }
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }
}

fn tone_color(tone: Tone) -> Color {
    match tone {
        Tone::Normal => theme::TEXT,
        Tone::Good => theme::OK,
        Tone::Warn => theme::WARN,
        Tone::Bad => theme::ERROR,
    }
}

/// Column widths for `width` cells: fixed widths for the kind's columns, the rest to NAME;
/// columns that do not fit are dropped from the right.
fn layout(columns: &[(ColumnId, Column)], width: u16) -> Vec<(ColumnId, &'static str, u16)> {
    let mut shown: Vec<(ColumnId, &'static str, u16)> = columns
        .iter()
        .map(|(id, c)| (*id, c.title, c.width.max(c.title.len() as u16)))
        .collect();
    loop {
        let fixed: u16 = shown
            .iter()
            .filter(|(id, ..)| *id != ColumnId::Name)
            .map(|(.., w)| w + GAP)
            .sum();
        if fixed + MIN_NAME <= width || shown.len() <= 1 {
            let name = width.saturating_sub(fixed);
            for column in &mut shown {
                if column.0 == ColumnId::Name {
                    column.2 = name;
                }
            }
            return shown;
        }
        shown.pop();
    }
}

/// Writes `text` at (x, y), cut to `width` display cells with `…` when it does not fit.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) {
    if text.len() <= usize::from(width) && text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        put_ascii(buf, x, y, text, style);
        return;
    }
    let fits = text.len() <= usize::from(width) || text_width(text) <= usize::from(width);
    if fits {
        buf.set_stringn(x, y, text, usize::from(width), style);
        return;
    }
    let mut cut = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > usize::from(width) {
            break;
        }
        used += w;
        cut.push(ch);
    }
    cut.push('…');
    buf.set_stringn(x, y, &cut, usize::from(width), style);
}

/// Writes printable ASCII text a byte per cell, as `set_stringn` would, without splitting it
/// into graphemes first (most of a table is ASCII, and segmenting it was a fifth of a frame).
fn put_ascii(buf: &mut Buffer, x: u16, y: u16, text: &str, style: Style) {
    let right = buf.area.right();
    for (at, byte) in (x..right).zip(text.bytes()) {
        if let Some(cell) = buf.cell_mut((at, y)) {
            cell.set_char(char::from(byte)).set_style(style);
        }
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

impl ResourceTable<'_> {
    fn header(&self) -> (String, String, Style) {
        let store = self.store;
        let counts = store.counts();
        let scope = store.namespace().unwrap_or("all namespaces");
        let shown = if counts.shown == counts.total {
            counts.total.to_string()
        } else {
            format!("{}/{}", counts.shown, counts.total)
        };
        let mut left = format!(" {} · {scope} · {shown}", store.kind());
        if let Some(filter) = store.filter() {
            left.push_str(&format!(" · filter {}", filter.source()));
        }
        let (right, style) = match store.state() {
            SyncState::Live => ("● live".to_string(), Style::default().fg(theme::OK)),
            SyncState::Syncing if store.relisting() => (
                "◌ relisting (rows may be stale)".to_string(),
                Style::default().fg(theme::WARN),
            ),
            SyncState::Syncing => ("◌ syncing".to_string(), Style::default().fg(theme::WARN)),
            // A 403 is not an outage: say what is refused and what is visible instead.
            SyncState::Reconnecting { error, .. }
                if error.starts_with(crate::live::watch::FORBIDDEN) =>
            {
                (format!("⛔ {error}"), Style::default().fg(theme::ERROR))
            }
            SyncState::Reconnecting { since, error } => {
                let down = self.time.mono.saturating_duration_since(*since).as_secs();
                (
                    format!("⚠ reconnecting {} · {error}", human_duration(down as i64)),
                    Style::default().fg(theme::ERROR),
                )
            }
        };
        (left, right, style)
    }
}

impl Widget for ResourceTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        let (left, right, state_style) = self.header();
        let title = theme::title(self.focused);
        put(buf, area.x, area.y, &left, area.width, title);
        let used = text_width(&left) as u16 + 2;
        if used < area.width {
            put(
                buf,
                area.x + used,
                area.y,
                &right,
                area.width - used,
                state_style,
            );
        }
        if area.height < 2 {
            return;
        }
        let columns = layout(self.store.columns(), area.width);
        let head = Style::default().fg(theme::DIM).add_modifier(Modifier::BOLD);
        let mut x = area.x;
        for (_, title, width) in &columns {
            put(buf, x, area.y + 1, title, *width, head);
            x = x.saturating_add(width + GAP);
        }
        let height = TableView::rows_in(area);
        let view = self.view.follow(self.store.visible_len(), height);
        let rows = self.store.visible(view.offset, height);
        for (i, row) in rows.enumerate() {
            let y = area.y + 2 + i as u16;
            let selected = view.offset + i == view.selected;
            let mut style = Style::default().fg(tone_color(row.tone));
            if selected {
                let line = Style::default().bg(theme::BORDER);
                buf.set_style(Rect::new(area.x, y, area.width, 1), line);
                style = style.bg(theme::BORDER).add_modifier(Modifier::BOLD);
            }
            let mut x = area.x;
            for (id, _, width) in &columns {
                let text = row.value(*id).render(self.time.wall);
                put(buf, x, y, &text, *width, style);
                x = x.saturating_add(width + GAP);
            }
        }
        if self.store.visible_len() == 0 && height > 0 {
            let note = match self.store.state() {
                SyncState::Syncing => "listing…",
                _ if self.store.filter().is_some() => "no rows match the filter",
                _ => "no resources",
            };
            put(
                buf,
                area.x + 1,
                area.y + 2,
                note,
                area.width - 1,
                theme::dim(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_is_written_as_set_stringn_writes_it() {
        let area = Rect::new(0, 0, 12, 2);
        let style = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
        for (x, text, width) in [
            (0u16, "web-7d9f", 10usize),
            (6, "Running  x", 10),
            (3, "", 4),
            (9, "clipped at the edge", 40),
        ] {
            let mut fast = Buffer::empty(area);
            let mut slow = Buffer::empty(area);
            fast[(0, 0)].set_style(Style::default().bg(Color::Blue));
            slow[(0, 0)].set_style(Style::default().bg(Color::Blue));
            put_ascii(&mut fast, x, 1, text, style);
            slow.set_stringn(x, 1, text, width, style);
            assert_eq!(fast, slow, "{text:?} at {x}");
        }
    }

    #[test]
    fn the_selection_stays_in_view() {
        let view = TableView {
            offset: 0,
            selected: 30,
        };
        assert_eq!(view.follow(100, 10).offset, 21);
        let back = TableView {
            offset: 50,
            selected: 40,
        };
        assert_eq!(back.follow(100, 10).offset, 40);
        let past = TableView {
            offset: 95,
            selected: 200,
        };
        assert_eq!(
            past.follow(100, 10),
            TableView {
                offset: 90,
                selected: 99
            }
        );
    }

    #[test]
    fn narrow_tables_drop_columns_from_the_right() {
        let columns = [
            (ColumnId::Name, crate::live::row::column("NAME", 40)),
            (ColumnId::Cell(0), crate::live::row::column("READY", 7)),
            (ColumnId::Cell(1), crate::live::row::column("STATUS", 18)),
        ];
        let wide = layout(&columns, 80);
        assert_eq!(wide.len(), 3);
        assert_eq!(wide[0].2, 80 - 9 - 20);
        let narrow = layout(&columns, 36);
        assert_eq!(narrow.len(), 2);
    }
}
