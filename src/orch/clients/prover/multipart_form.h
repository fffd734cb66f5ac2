#pragma once

#include <string>
#include <vector>

// multipart/form-data bodies (RFC 7578) for Atlantic's query submissions.
namespace orch::prover {

/// A multipart/form-data body built part by part; the parts go on the wire in the order they
/// were added (Atlantic's field order, protocols.md §1.3). A plain value: thread-compatible.
class MultipartForm {
 public:
  struct Encoded {
    std::string content_type;  // "multipart/form-data; boundary=…"
    std::string body;
  };

  /// A text field. `name` is one of our constants: no quotes, no line breaks (checked).
  void AddField(std::string name, std::string value);
  /// A file part with its file name and content type (same rule for name and file name).
  void AddFile(std::string name, std::string filename, std::string content_type,
               std::string content);

  /// The body, with a random boundary that occurs in no part.
  Encoded Encode() const;

 private:
  struct Part {
    std::string name;
    std::string filename;  // empty for a text field
    std::string content_type;
    std::string content;
  };

  std::vector<Part> parts_;
};

}  // namespace orch::prover
