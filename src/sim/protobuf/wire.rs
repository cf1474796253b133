//! The protobuf wire format: varints, tags and length-delimited fields.

/// One field as it appears on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireValue<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or("unexpected end of protobuf data")?;
        self.at += 1;
        Ok(byte)
    }

    pub fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err("protobuf varint longer than 10 bytes".to_string())
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(length)
            .filter(|end| *end <= self.bytes.len())
            .ok_or("protobuf field overruns its message")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    /// The next `(field number, value)`, or `None` at the end.
    pub fn field(&mut self) -> Result<Option<(u32, WireValue<'a>)>, String> {
        if self.at >= self.bytes.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| "protobuf field number out of range")?;
        let value = match key & 7 {
            0 => WireValue::Varint(self.varint()?),
            1 => WireValue::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().map_err(|_| "short fixed64")?,
            )),
            2 => {
                let length =
                    usize::try_from(self.varint()?).map_err(|_| "protobuf length out of range")?;
                WireValue::Bytes(self.take(length)?)
            }
            5 => WireValue::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().map_err(|_| "short fixed32")?,
            )),
            other => return Err(format!("unsupported protobuf wire type {other}")),
        };
        Ok(Some((number, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_and_length_delimited_fields() {
        let bytes = [0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i'];
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.field(), Ok(Some((1, WireValue::Varint(150)))));
        assert_eq!(reader.field(), Ok(Some((2, WireValue::Bytes(b"hi")))));
        assert_eq!(reader.field(), Ok(None));
        assert!(Reader::new(&[0x12, 0x05, b'x']).field().is_err());
        assert!(Reader::new(&[0xff; 11]).varint().is_err());
    }
}
