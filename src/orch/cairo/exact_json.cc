#include "orch/cairo/exact_json.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orch::cairo {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDepth = 64;
// Marks binary values holding number text; JSON text never produces binary values otherwise.
constexpr std::uint8_t kNumberTextSubtype = 0x4e;  // 'N'

// Builds the document from SAX events, like nlohmann's own DOM parser except for numbers that
// do not fit 64 bits, whose text the lexer hands over next to the lossy double.
class ExactDomBuilder {
 public:
  bool null() { return Add(nullptr); }
  bool boolean(bool value) { return Add(value); }
  bool number_integer(json::number_integer_t value) { return Add(value); }
  bool number_unsigned(json::number_unsigned_t value) { return Add(value); }
  bool number_float(json::number_float_t /*lossy*/, const std::string& text) {
    return Add(
        json::binary(json::binary_t::container_type(text.begin(), text.end()), kNumberTextSubtype));
  }
  bool string(std::string& value) { return Add(std::move(value)); }
  bool binary(json::binary_t& /*value*/) { return Fail("binary values are not JSON"); }

  bool start_object(std::size_t /*size*/) { return Open(json::object()); }
  bool key(std::string& key) {
    key_ = std::move(key);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t /*size*/) { return Open(json::array()); }
  bool end_array() { return Close(); }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& exception) {
    // nlohmann's message repeats the position; keep only the part after "parse error ...: ".
    std::string what = exception.what();
    const std::size_t colon = what.rfind(": ");
    if (colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    return Fail("invalid JSON at byte " + std::to_string(position) + ": " + what);
  }

  json TakeRoot() { return std::move(root_); }
  const std::optional<std::string>& error() const { return error_; }

 private:
  // Stores `value` at the current position and returns where it was stored.
  template <typename Value>
  json* Store(Value&& value) {
    if (stack_.empty()) {
      root_ = json(std::forward<Value>(value));
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(json(std::forward<Value>(value)));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = json(std::forward<Value>(value));
    return &slot;
  }

  template <typename Value>
  bool Add(Value&& value) {
    Store(std::forward<Value>(value));
    return true;
  }

  bool Open(json container) {
    if (stack_.size() == kMaxDepth) {
      return Fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    // The pointer stays valid: a container's parent is not modified until it is closed.
    stack_.push_back(Store(std::move(container)));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  json root_;
  std::vector<json*> stack_;
  std::string key_;
  std::optional<std::string> error_;
};

}  // namespace

Result<json> ParseExactJson(std::string_view text) {
  ExactDomBuilder builder;
  const bool ok = json::sax_parse(text, &builder);
  if (!ok) {
    return Error::InvalidArgument("{}", builder.error().value_or("invalid JSON"));
  }
  return builder.TakeRoot();
}

std::optional<std::string_view> NumberText(const json& value) {
  if (!value.is_binary()) {
    return std::nullopt;
  }
  const json::binary_t& binary = value.get_binary();
  if (!binary.has_subtype() || binary.subtype() != kNumberTextSubtype) {
    return std::nullopt;
  }
  return std::string_view(reinterpret_cast<const char*>(binary.data()), binary.size());
}

}  // namespace orch::cairo
