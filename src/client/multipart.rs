//! The `multipart/form-data` body of `POST /_upload`, in three pieces so the file in the
//! middle is streamed from disk: the server wants a `data` part (the call as JSON) first,
//! then a `file` part. Knowing the file's size up front gives the whole body's length,
//! so the request needs no chunked encoding.

use crate::error::{Error, Result};

/// The parts around the file's bytes.
pub(crate) struct Multipart {
    boundary: String,
    /// Everything before the file's first byte.
    pub(crate) preamble: Vec<u8>,
    /// Everything after its last byte.
    pub(crate) epilogue: Vec<u8>,
}

impl Multipart {
    /// The body for a call of `method` with `params`, its file named `filename`.
    pub(crate) fn new(
        method: &str,
        params: &[serde_json::Value],
        filename: &str,
    ) -> Result<Multipart> {
        let data = serde_json::json!({"method": method, "params": params}).to_string();
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)
            .map_err(|e| Error::io(format!("no randomness for a multipart boundary: {e}")))?;
        let boundary: String = random.iter().fold(String::from("midclt-"), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
        // A boundary must not occur in the parts it separates; 128 random bits do not
        // meet the JSON by chance, but a parameter could quote it.
        if data.contains(&boundary) {
            return Err(Error::usage(
                "the call's parameters contain the upload's boundary",
            ));
        }
        let preamble = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\nContent-Type: application/json\r\n\r\n{data}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            header_safe(filename)
        );
        let epilogue = format!("\r\n--{boundary}--\r\n");
        Ok(Multipart {
            boundary,
            preamble: preamble.into_bytes(),
            epilogue: epilogue.into_bytes(),
        })
    }

    /// The request's `Content-Type`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The whole body's length with a file of `file_size` bytes.
    pub(crate) fn content_length(&self, file_size: u64) -> u64 {
        self.preamble.len() as u64 + file_size + self.epilogue.len() as u64
    }
}

/// A file name fit for a quoted header parameter: quotes, backslashes and control
/// characters become `_` (the name is informational; the server reads the content).
fn header_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_body_is_data_then_file_and_its_length_is_exact() {
        let m = Multipart::new("config.upload", &[json!({"a": 1})], "my \"cfg\".tar").unwrap();
        let mut body = m.preamble.clone();
        body.extend_from_slice(b"FILEBYTES");
        body.extend_from_slice(&m.epilogue);
        assert_eq!(body.len() as u64, m.content_length(9));
        let text = String::from_utf8(body).unwrap();
        let boundary = m
            .content_type()
            .split_once("boundary=")
            .unwrap()
            .1
            .to_string();
        let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
        // "", data part, file part, "--\r\n"
        assert_eq!(parts.len(), 4, "{text}");
        assert!(parts[1].contains("name=\"data\""));
        assert!(parts[1].contains(r#"{"method":"config.upload","params":[{"a":1}]}"#));
        assert!(parts[2].contains("name=\"file\"; filename=\"my _cfg_.tar\""));
        assert!(parts[2].ends_with("\r\n\r\nFILEBYTES\r\n"));
        assert_eq!(parts[3], "--\r\n");
    }
}
