//! The watch pane: the live `ResourceTable` of the pane's store inside the pane's frame.
//! Ages are as of the draw: an idle pane is not redrawn just to age its rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Block;

use crate::app::watch::WatchState;
use crate::ui::resource_table::{DrawTime, ResourceTable, TableView};

pub fn draw(
    frame: &mut Frame<'_>,
    watch: &WatchState,
    focused: bool,
    block: Block<'_>,
    area: Rect,
) {
    draw_at(frame, watch, focused, block, area, DrawTime::now());
}

/// [`draw`] with ages computed at `time` (snapshot tests pin it).
pub fn draw_at(
    frame: &mut Frame<'_>,
    watch: &WatchState,
    focused: bool,
    block: Block<'_>,
    area: Rect,
    time: DrawTime,
) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let view = watch
        .view
        .follow(watch.store.visible_len(), TableView::rows_in(inner));
    frame.render_widget(
        ResourceTable::new(&watch.store, view, time).focused(focused),
        inner,
    );
}
