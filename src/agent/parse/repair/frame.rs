//! The repairer's stack of open objects and arrays: separators, closing, and the current path.

use super::{MAX_DEPTH, PathSegment, Repair, Repairer};

/// Where an open object is between its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ObjectState {
    Key,
    Colon,
    Value,
    MemberEnd,
}

/// An open container. Counts are of completed members or elements; `comma_seen` says the input
/// wrote a comma since the last one (so a missing comma can be told from a present one).
#[derive(Debug)]
pub(super) enum Frame {
    Object {
        state: ObjectState,
        key: Option<String>,
        members: usize,
        comma_seen: bool,
    },
    Array {
        len: usize,
        after_element: bool,
        comma_seen: bool,
    },
}

impl Frame {
    pub(super) fn closer(&self) -> char {
        match self {
            Frame::Object { .. } => '}',
            Frame::Array { .. } => ']',
        }
    }
}

impl Repairer {
    pub(super) fn open(&mut self, bracket: char) -> Option<()> {
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        self.separate();
        self.pos += 1;
        self.out.push(bracket);
        self.stack.push(match bracket {
            '{' => Frame::Object {
                state: ObjectState::Key,
                key: None,
                members: 0,
                comma_seen: false,
            },
            _ => Frame::Array {
                len: 0,
                after_element: false,
                comma_seen: false,
            },
        });
        Some(())
    }

    pub(super) fn close(&mut self) -> Option<()> {
        let frame = self.stack.pop()?;
        if let Frame::Object { comma_seen, .. } | Frame::Array { comma_seen, .. } = frame
            && comma_seen
        {
            self.note(Repair::StrayComma);
        }
        self.pos += 1;
        self.out.push(frame.closer());
        self.complete_value();
        Some(())
    }

    /// Write the comma before a new member or element when one is due.
    pub(super) fn separate(&mut self) {
        let (count, comma_seen) = match self.stack.last_mut() {
            Some(Frame::Object {
                state: ObjectState::Key,
                members,
                comma_seen,
                ..
            }) => (*members, comma_seen),
            Some(Frame::Array {
                len, comma_seen, ..
            }) => (*len, comma_seen),
            _ => return,
        };
        let missing = !*comma_seen;
        *comma_seen = false;
        if count == 0 {
            return;
        }
        self.out.push(',');
        if missing {
            self.note(Repair::MissingComma);
        }
    }

    pub(super) fn mark_comma(&mut self) {
        if let Some(Frame::Object { comma_seen, .. } | Frame::Array { comma_seen, .. }) =
            self.stack.last_mut()
        {
            *comma_seen = true;
        }
    }

    /// A value just ended: advance the container that holds it.
    pub(super) fn complete_value(&mut self) {
        match self.stack.last_mut() {
            None => self.root_done = true,
            Some(Frame::Object { state, members, .. }) => {
                *state = ObjectState::MemberEnd;
                *members += 1;
            }
            Some(Frame::Array {
                len, after_element, ..
            }) => {
                *len += 1;
                *after_element = true;
            }
        }
    }

    pub(super) fn set_object_state(&mut self, next: ObjectState) {
        if let Some(Frame::Object { state, .. }) = self.stack.last_mut() {
            *state = next;
        }
    }

    /// The path to the value being written; `in_scalar` adds the slot of the innermost
    /// container when a string, number or word is open in it.
    pub(super) fn path(&self, in_scalar: bool) -> Vec<PathSegment> {
        let last = self.stack.len().saturating_sub(1);
        self.stack
            .iter()
            .enumerate()
            .filter(|(depth, _)| *depth < last || in_scalar)
            .filter_map(|(_, frame)| match frame {
                Frame::Object {
                    state: ObjectState::Key | ObjectState::MemberEnd,
                    ..
                } => None,
                Frame::Object { key, .. } => key.clone().map(PathSegment::Key),
                Frame::Array { len, .. } => Some(PathSegment::Index(*len)),
            })
            .collect()
    }
}
