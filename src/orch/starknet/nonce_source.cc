#include "orch/starknet/nonce_source.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace orch::starknet {
namespace {

using crypto::Felt;
using nlohmann::json;

// The string at `object[key]`, or an error naming `path`.key.
Result<std::string_view> StringMember(const json& object, std::string_view key,
                                      const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return Error::InvalidArgument("{}: missing key \"{}\"", path, key);
  }
  if (!found->is_string()) {
    return Error::InvalidArgument("{}.{}: expected a string, got {}", path, key,
                                  found->type_name());
  }
  return std::string_view(found->get_ref<const std::string&>());
}

bool IsDigits(std::string_view text, bool hex) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    const bool decimal_digit = c >= '0' && c <= '9';
    const bool hex_letter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!decimal_digit && !(hex && hex_letter)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TableNonceSource::TableNonceSource(std::uint64_t block_number, std::map<Felt, Felt> nonces)
    : block_number_(block_number), nonces_(std::move(nonces)) {}

Result<TableNonceSource> TableNonceSource::FromJson(std::uint64_t block_number,
                                                    std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& error) {
    return Error::InvalidArgument("nonce table is not valid JSON: {}", error.what());
  }
  if (!parsed.is_array()) {
    return Error::InvalidArgument("nonce table: expected an array, got {}", parsed.type_name());
  }
  std::map<Felt, Felt> nonces;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const std::string path = fmt::format("[{}]", i);
    const json& entry = parsed[i];
    if (!entry.is_object()) {
      return Error::InvalidArgument("{}: expected an object, got {}", path, entry.type_name());
    }
    ORCH_ASSIGN_OR_RETURN(const std::string_view nonce_text, StringMember(entry, "nonce", path));
    ORCH_ASSIGN_OR_RETURN(const std::string_view address_text,
                          StringMember(entry, "address", path));
    // The recorded format is fixed: bare hex nonces, decimal addresses. A "0x" nonce or a hex
    // address means a different format, whose values would be misread.
    if (!IsDigits(nonce_text, /*hex=*/true)) {
      return Error::InvalidArgument("{}.nonce: '{}' is not hex digits (without \"0x\")", path,
                                    nonce_text);
    }
    if (!IsDigits(address_text, /*hex=*/false)) {
      return Error::InvalidArgument("{}.address: '{}' is not decimal digits", path, address_text);
    }
    Result<Felt> nonce = Felt::FromHex(nonce_text);
    if (!nonce.ok()) {
      return Error::InvalidArgument("{}.nonce: {}", path, nonce.error().message());
    }
    Result<Felt> address = Felt::FromDecimal(address_text);
    if (!address.ok()) {
      return Error::InvalidArgument("{}.address: {}", path, address.error().message());
    }
    if (!nonces.emplace(*address, *nonce).second) {
      return Error::InvalidArgument("{}.address: {} appears more than once", path, address_text);
    }
  }
  return TableNonceSource(block_number, std::move(nonces));
}

Result<Felt> TableNonceSource::GetNonce(std::uint64_t block_number, const Felt& contract_address) {
  if (block_number != block_number_) {
    return Error::NotFound("the nonce table holds block {}, not block {}", block_number_,
                           block_number);
  }
  const auto found = nonces_.find(contract_address);
  if (found == nonces_.end()) {
    return Error::NotFound("the nonce table of block {} has no nonce for contract {}", block_number,
                           contract_address.ToHex());
  }
  return found->second;
}

}  // namespace orch::starknet
