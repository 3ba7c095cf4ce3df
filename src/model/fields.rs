//! Field names of a serde struct, read from its derived `Deserialize` impl.
//!
//! Serde passes the field list to `deserialize_struct`; a deserializer that only records
//! that list lets unknown-field checks and "did you mean" hints use the structs themselves
//! as the single source of truth.

use serde::Deserialize;
use serde::de::{self, Visitor};

struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The field names of `T` (callers cache the result: it never changes).
pub fn of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields = None;
    let _ = T::deserialize(FieldNames(&mut fields));
    fields.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use crate::model::records::{Blocker, Kind};

    #[test]
    fn reads_struct_fields() {
        let fields = super::of::<Blocker>();
        assert!(fields.contains(&"severity"));
        assert!(fields.contains(&"root_cause"));
        assert_eq!(Kind::Blocker.fields(), fields);
    }
}
