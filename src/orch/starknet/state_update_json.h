#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "orch/common/result.h"
#include "orch/starknet/state_update.h"

// JSON form of StateUpdate: the result of starknet_getStateUpdate.
//
// Parsing is lenient about shape and strict about values. Accepted shapes: the bare result
// object or the whole JSON-RPC response ({"jsonrpc", "id", "result"}); the state diff under
// "state_diff" or the state diff object itself (no roots then); the contract key of nonces,
// deployed contracts, replaced classes and storage diffs spelled "contract_address" or
// "address" (RPC versions differ); "migrated_compiled_classes" absent (before JSON-RPC 0.10).
// Unknown keys are ignored. Anything else is an error naming the JSON path of the offending
// value, e.g. "state_diff.storage_diffs[3].storage_entries[1].value": a felt that is not a
// "0x"-prefixed hex string below the field modulus, a missing key, a value of the wrong JSON
// type, a list that repeats a key (see ValidateStateDiff).
namespace orch::starknet {

/// Parses a state update from JSON text.
/// Errors: kInvalidArgument (not JSON, a JSON-RPC error response, or as StateUpdateFromJson).
Result<StateUpdate> ParseStateUpdateJson(std::string_view text);

/// Converts a parsed JSON value. A block hash requires both roots; a new root requires a block
/// hash (a pending update has neither).
/// Errors: kInvalidArgument naming the JSON path.
Result<StateUpdate> StateUpdateFromJson(const nlohmann::json& json);

/// The JSON-RPC result object: felts as "0x" lowercase hex without leading zeros, canonical key
/// names ("contract_address" for nonces and replaced classes, "address" otherwise), absent
/// roots left out, "migrated_compiled_classes" only when not empty (so that updates of older
/// chains look like their RPC answers). Lists keep their order.
nlohmann::json StateUpdateToJson(const StateUpdate& update);

/// StateUpdateToJson as compact text.
std::string StateUpdateToJsonText(const StateUpdate& update);

}  // namespace orch::starknet
