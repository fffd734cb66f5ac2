#include "orch/starknet/state_update_json.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace orch::starknet {
namespace {

using crypto::Felt;
using nlohmann::json;

// JSON paths in messages: "state_diff.nonces[2].nonce"; the top level is the empty path.
std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string Element(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string_view Name(const std::string& path) {
  return path.empty() ? std::string_view("top level") : std::string_view(path);
}

Result<void> ExpectObject(const json& value, const std::string& path) {
  if (!value.is_object()) {
    return Error::InvalidArgument("{}: expected an object, got {}", Name(path), value.type_name());
  }
  return Ok();
}

Result<const json*> Member(const json& object, std::string_view key, const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return Error::InvalidArgument("{}: missing key \"{}\"", Name(path), key);
  }
  return &*found;
}

Result<Felt> ParseFelt(const json& value, const std::string& path) {
  if (!value.is_string()) {
    return Error::InvalidArgument("{}: expected a felt as a hex string, got {}", path,
                                  value.type_name());
  }
  const std::string& text = value.get_ref<const std::string&>();
  if (!text.starts_with("0x") && !text.starts_with("0X")) {
    return Error::InvalidArgument("{}: '{}' is not a felt: expected \"0x\" and hex digits", path,
                                  text);
  }
  Result<Felt> felt = Felt::FromHex(text);
  if (!felt.ok()) {
    return Error::InvalidArgument("{}: '{}' is not a felt: {}", path, text, felt.error().message());
  }
  return felt;
}

Result<Felt> FeltMember(const json& object, std::string_view key, const std::string& path) {
  ORCH_ASSIGN_OR_RETURN(const json* value, Member(object, key, path));
  return ParseFelt(*value, Child(path, key));
}

// The contract address of a list element. Nonces and replaced classes name it
// "contract_address", deployed contracts and storage diffs "address" (`canonical_key`); nodes
// of some RPC versions use the other spelling, so either is accepted, but not both.
Result<Felt> ContractAddressMember(const json& object, std::string_view canonical_key,
                                   const std::string& path) {
  const bool has_contract_address = object.contains("contract_address");
  const bool has_address = object.contains("address");
  if (has_contract_address && has_address) {
    return Error::InvalidArgument("{}: has both \"contract_address\" and \"address\"", Name(path));
  }
  if (!has_contract_address && !has_address) {
    return Error::InvalidArgument("{}: missing key \"{}\"", Name(path), canonical_key);
  }
  return FeltMember(object, has_address ? "address" : "contract_address", path);
}

Result<std::optional<Felt>> OptionalFeltMember(const json& object, std::string_view key,
                                               const std::string& path) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return std::optional<Felt>();
  }
  ORCH_ASSIGN_OR_RETURN(const Felt felt, ParseFelt(*found, Child(path, key)));
  return std::optional<Felt>(felt);
}

// Parses the array at `object[key]` element by element with `parse(element, element_path)`.
// An absent key gives an empty list when `optional`.
template <typename T, typename Parse>
Result<std::vector<T>> ListMember(const json& object, std::string_view key, const std::string& path,
                                  bool optional, Parse parse) {
  const auto found = object.find(key);
  if (found == object.end() && optional) {
    return std::vector<T>();
  }
  ORCH_ASSIGN_OR_RETURN(const json* list, Member(object, key, path));
  const std::string list_path = Child(path, key);
  if (!list->is_array()) {
    return Error::InvalidArgument("{}: expected an array, got {}", list_path, list->type_name());
  }
  std::vector<T> items;
  items.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(T item, parse((*list)[i], Element(list_path, i)));
    items.push_back(std::move(item));
  }
  return items;
}

Result<StorageEntry> ParseStorageEntry(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt key, FeltMember(value, "key", path));
  ORCH_ASSIGN_OR_RETURN(const Felt entry_value, FeltMember(value, "value", path));
  return StorageEntry{key, entry_value};
}

Result<ContractStorageDiff> ParseContractStorageDiff(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt address, ContractAddressMember(value, "address", path));
  ORCH_ASSIGN_OR_RETURN(std::vector<StorageEntry> entries,
                        ListMember<StorageEntry>(value, "storage_entries", path, /*optional=*/false,
                                                 ParseStorageEntry));
  return ContractStorageDiff{address, std::move(entries)};
}

Result<NonceUpdate> ParseNonceUpdate(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt address, ContractAddressMember(value, "contract_address", path));
  ORCH_ASSIGN_OR_RETURN(const Felt nonce, FeltMember(value, "nonce", path));
  return NonceUpdate{address, nonce};
}

Result<DeployedContract> ParseDeployedContract(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt address, ContractAddressMember(value, "address", path));
  ORCH_ASSIGN_OR_RETURN(const Felt class_hash, FeltMember(value, "class_hash", path));
  return DeployedContract{address, class_hash};
}

Result<ReplacedClass> ParseReplacedClass(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt address, ContractAddressMember(value, "contract_address", path));
  ORCH_ASSIGN_OR_RETURN(const Felt class_hash, FeltMember(value, "class_hash", path));
  return ReplacedClass{address, class_hash};
}

template <typename T>
Result<T> ParseClassPair(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  ORCH_ASSIGN_OR_RETURN(const Felt class_hash, FeltMember(value, "class_hash", path));
  ORCH_ASSIGN_OR_RETURN(const Felt compiled, FeltMember(value, "compiled_class_hash", path));
  return T{class_hash, compiled};
}

Result<StateDiff> ParseStateDiff(const json& value, const std::string& path) {
  ORCH_RETURN_IF_ERROR(ExpectObject(value, path));
  StateDiff diff;
  ORCH_ASSIGN_OR_RETURN(diff.storage_diffs, ListMember<ContractStorageDiff>(
                                                value, "storage_diffs", path,
                                                /*optional=*/false, ParseContractStorageDiff));
  ORCH_ASSIGN_OR_RETURN(diff.nonces, ListMember<NonceUpdate>(value, "nonces", path,
                                                             /*optional=*/false, ParseNonceUpdate));
  ORCH_ASSIGN_OR_RETURN(diff.deployed_contracts,
                        ListMember<DeployedContract>(value, "deployed_contracts", path,
                                                     /*optional=*/false, ParseDeployedContract));
  ORCH_ASSIGN_OR_RETURN(diff.replaced_classes,
                        ListMember<ReplacedClass>(value, "replaced_classes", path,
                                                  /*optional=*/false, ParseReplacedClass));
  ORCH_ASSIGN_OR_RETURN(
      diff.declared_classes,
      ListMember<DeclaredClass>(value, "declared_classes", path,
                                /*optional=*/false, ParseClassPair<DeclaredClass>));
  ORCH_ASSIGN_OR_RETURN(diff.deprecated_declared_classes,
                        ListMember<Felt>(value, "deprecated_declared_classes", path,
                                         /*optional=*/false, ParseFelt));
  // Added by JSON-RPC 0.10 (Starknet 0.14.1); older nodes leave it out.
  ORCH_ASSIGN_OR_RETURN(
      diff.migrated_compiled_classes,
      ListMember<MigratedCompiledClass>(value, "migrated_compiled_classes", path,
                                        /*optional=*/true, ParseClassPair<MigratedCompiledClass>));
  const Result<void> valid = ValidateStateDiff(diff);
  if (!valid.ok()) {
    return valid.error().WithContext(Name(path));
  }
  return diff;
}

json FeltJson(const Felt& felt) { return felt.ToHex(); }

}  // namespace

Result<StateUpdate> ParseStateUpdateJson(std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& error) {
    return Error::InvalidArgument("state update is not valid JSON: {}", error.what());
  }
  return StateUpdateFromJson(parsed);
}

Result<StateUpdate> StateUpdateFromJson(const json& value) {
  std::string path;
  const json* object = &value;
  ORCH_RETURN_IF_ERROR(ExpectObject(*object, path));
  if (object->contains("jsonrpc")) {
    if (const auto error = object->find("error"); error != object->end()) {
      return Error::InvalidArgument("the JSON-RPC response is an error: {}", error->dump());
    }
    ORCH_ASSIGN_OR_RETURN(object, Member(*object, "result", path));
    path = "result";
    ORCH_RETURN_IF_ERROR(ExpectObject(*object, path));
  }

  StateUpdate update;
  if (!object->contains("state_diff") && object->contains("storage_diffs")) {
    // A bare state diff: no roots to read.
    ORCH_ASSIGN_OR_RETURN(update.state_diff, ParseStateDiff(*object, path));
    return update;
  }
  ORCH_ASSIGN_OR_RETURN(update.block_hash, OptionalFeltMember(*object, "block_hash", path));
  ORCH_ASSIGN_OR_RETURN(update.old_root, OptionalFeltMember(*object, "old_root", path));
  ORCH_ASSIGN_OR_RETURN(update.new_root, OptionalFeltMember(*object, "new_root", path));
  if (update.block_hash.has_value()) {
    // A closed block: JSON-RPC requires both roots.
    if (!update.old_root.has_value()) {
      return Error::InvalidArgument("{}: missing key \"old_root\"", Name(path));
    }
    if (!update.new_root.has_value()) {
      return Error::InvalidArgument("{}: missing key \"new_root\"", Name(path));
    }
  } else if (update.new_root.has_value()) {
    return Error::InvalidArgument("{}: missing key \"block_hash\" (a new_root without a block)",
                                  Name(path));
  }
  ORCH_ASSIGN_OR_RETURN(const json* diff, Member(*object, "state_diff", path));
  ORCH_ASSIGN_OR_RETURN(update.state_diff, ParseStateDiff(*diff, Child(path, "state_diff")));
  return update;
}

json StateUpdateToJson(const StateUpdate& update) {
  const StateDiff& diff = update.state_diff;
  json storage_diffs = json::array();
  for (const ContractStorageDiff& contract : diff.storage_diffs) {
    json entries = json::array();
    for (const StorageEntry& entry : contract.storage_entries) {
      entries.push_back({{"key", FeltJson(entry.key)}, {"value", FeltJson(entry.value)}});
    }
    storage_diffs.push_back(
        {{"address", FeltJson(contract.address)}, {"storage_entries", std::move(entries)}});
  }
  json nonces = json::array();
  for (const NonceUpdate& nonce : diff.nonces) {
    nonces.push_back(
        {{"contract_address", FeltJson(nonce.contract_address)}, {"nonce", FeltJson(nonce.nonce)}});
  }
  json deployed = json::array();
  for (const DeployedContract& contract : diff.deployed_contracts) {
    deployed.push_back(
        {{"address", FeltJson(contract.address)}, {"class_hash", FeltJson(contract.class_hash)}});
  }
  json replaced = json::array();
  for (const ReplacedClass& replacement : diff.replaced_classes) {
    replaced.push_back({{"contract_address", FeltJson(replacement.contract_address)},
                        {"class_hash", FeltJson(replacement.class_hash)}});
  }
  const auto class_pairs = [](const auto& classes) {
    json list = json::array();
    for (const auto& item : classes) {
      list.push_back({{"class_hash", FeltJson(item.class_hash)},
                      {"compiled_class_hash", FeltJson(item.compiled_class_hash)}});
    }
    return list;
  };
  json deprecated = json::array();
  for (const Felt& class_hash : diff.deprecated_declared_classes) {
    deprecated.push_back(FeltJson(class_hash));
  }

  json state_diff = {{"storage_diffs", std::move(storage_diffs)},
                     {"nonces", std::move(nonces)},
                     {"deployed_contracts", std::move(deployed)},
                     {"replaced_classes", std::move(replaced)},
                     {"declared_classes", class_pairs(diff.declared_classes)},
                     {"deprecated_declared_classes", std::move(deprecated)}};
  if (!diff.migrated_compiled_classes.empty()) {
    state_diff["migrated_compiled_classes"] = class_pairs(diff.migrated_compiled_classes);
  }
  json result = json::object();
  if (update.block_hash.has_value()) {
    result["block_hash"] = FeltJson(*update.block_hash);
  }
  if (update.old_root.has_value()) {
    result["old_root"] = FeltJson(*update.old_root);
  }
  if (update.new_root.has_value()) {
    result["new_root"] = FeltJson(*update.new_root);
  }
  result["state_diff"] = std::move(state_diff);
  return result;
}

std::string StateUpdateToJsonText(const StateUpdate& update) {
  return StateUpdateToJson(update).dump();
}

}  // namespace orch::starknet
