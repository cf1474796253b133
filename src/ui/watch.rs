//! The watch pane: the live `ResourceTable` of the pane's store inside the pane's frame, and
//! the filter (`/`) or command (`:`) input on its last line while open, or an object's YAML.
//! Ages are as of the draw: an idle pane is not redrawn just to age its rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::watch::WatchState;
use crate::ui::resource_table::{DrawTime, ResourceTable, TableView};
use crate::ui::theme;

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
    if let Some(yaml) = &watch.yaml {
        let block = block.title_bottom(Line::styled(
            format!(" {} · Esc closes ", yaml.title),
            theme::title(focused),
        ));
        let lines: Vec<Line<'_>> = yaml.text.lines().skip(yaml.top).map(Line::raw).collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(input) = &watch.input
        && inner.height > 0
    {
        inner.height -= 1;
        let line = Rect::new(inner.x, inner.y + inner.height, inner.width, 1);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(input.line(), theme::title(true)),
                Span::styled(" ", Style::default().add_modifier(Modifier::REVERSED)),
            ])),
            line,
        );
    }
    let view = watch
        .view
        .follow(watch.store.visible_len(), TableView::rows_in(inner));
    frame.render_widget(
        ResourceTable::new(&watch.store, view, time).focused(focused),
        inner,
    );
}
