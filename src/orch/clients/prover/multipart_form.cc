#include "orch/clients/prover/multipart_form.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "orch/common/check.h"
#include "orch/common/uuid.h"

namespace orch::prover {
namespace {

// Header values are quoted strings: a quote or a line break would end them early.
void CheckHeaderText(std::string_view text) {
  ORCH_CHECK(text.find_first_of("\"\r\n") == std::string_view::npos,
             "multipart header text '{}' has a quote or a line break", text);
}

std::string NewBoundary() {
  std::string uuid = NewUuid();
  std::erase(uuid, '-');
  return "orch-" + uuid;
}

}  // namespace

void MultipartForm::AddField(std::string name, std::string value) {
  CheckHeaderText(name);
  parts_.push_back(Part{std::move(name), "", "", std::move(value)});
}

void MultipartForm::AddFile(std::string name, std::string filename, std::string content_type,
                            std::string content) {
  CheckHeaderText(name);
  CheckHeaderText(filename);
  CheckHeaderText(content_type);
  parts_.push_back(
      Part{std::move(name), std::move(filename), std::move(content_type), std::move(content)});
}

MultipartForm::Encoded MultipartForm::Encode() const {
  // 122 random bits make a clash with the content all but impossible; checking makes it
  // impossible, for the price of a scan of the parts.
  std::string boundary;
  do {
    boundary = NewBoundary();
  } while (std::any_of(parts_.begin(), parts_.end(), [&](const Part& part) {
    return part.content.find(boundary) != std::string::npos;
  }));

  std::size_t size = boundary.size() + 8;
  for (const Part& part : parts_) {
    size += part.content.size() + part.name.size() + part.filename.size() + boundary.size() + 128;
  }
  std::string body;
  body.reserve(size);
  for (const Part& part : parts_) {
    body += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"", boundary, part.name);
    if (!part.filename.empty()) {
      body += fmt::format("; filename=\"{}\"", part.filename);
    }
    body += "\r\n";
    if (!part.content_type.empty()) {
      body += fmt::format("Content-Type: {}\r\n", part.content_type);
    }
    body += "\r\n";
    body += part.content;
    body += "\r\n";
  }
  body += fmt::format("--{}--\r\n", boundary);
  return Encoded{fmt::format("multipart/form-data; boundary={}", boundary), std::move(body)};
}

}  // namespace orch::prover
