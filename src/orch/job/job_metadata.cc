#include "orch/job/job_metadata.h"

#include <nlohmann/json.hpp>

namespace orch::job {
namespace {

using nlohmann::json;

template <typename T>
json OptionalToJson(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// Reads the fields of one JSON object, remembering the first problem with its path so that a
// corrupt row is reported as "metadata.specific.tx_nonce: expected an unsigned integer".
class FieldReader {
 public:
  FieldReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) {
      Fail(path_, "expected an object");
    }
  }

  void Required(const char* key, std::uint64_t& out) { Read(key, out, /*required=*/true); }
  void Required(const char* key, bool& out) { Read(key, out, /*required=*/true); }
  void Required(const char* key, std::string& out) { Read(key, out, /*required=*/true); }

  template <typename T>
  void Optional(const char* key, std::optional<T>& out) {
    const json* field = Find(key);
    if (field == nullptr || field->is_null()) {
      out.reset();
      return;
    }
    T value{};
    Convert(*field, Path(key), value);
    out = std::move(value);
  }

  // Reads a u64 counter that may be missing (older rows); missing means zero.
  void Counter(const char* key, std::uint64_t& out) { Read(key, out, /*required=*/false); }

  const json* Find(const char* key) const {
    if (!object_.is_object()) {
      return nullptr;
    }
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  std::string Path(const char* key) const { return path_ + "." + key; }

  void Fail(const std::string& path, const std::string& why) {
    if (!error_) {
      error_ = path + ": " + why;
    }
  }

  const std::optional<std::string>& error() const { return error_; }

  template <typename T>
  void Convert(const json& field, const std::string& path, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
      if (!field.is_boolean()) {
        return Fail(path, "expected a boolean");
      }
      out = field.get<bool>();
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      if (!field.is_number_unsigned()) {
        return Fail(path, "expected an unsigned integer");
      }
      out = field.get<std::uint64_t>();
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (!field.is_number_integer()) {
        return Fail(path, "expected an integer");
      }
      out = field.get<std::int64_t>();
    } else {
      static_assert(std::is_same_v<T, std::string>);
      if (!field.is_string()) {
        return Fail(path, "expected a string");
      }
      out = field.get<std::string>();
    }
  }

 private:
  template <typename T>
  void Read(const char* key, T& out, bool required) {
    const json* field = Find(key);
    if (field == nullptr) {
      if (required) {
        Fail(Path(key), "missing");
      }
      return;
    }
    Convert(*field, Path(key), out);
  }

  const json& object_;
  std::string path_;
  std::optional<std::string> error_;
};

json CommonToJson(const CommonMetadata& common) {
  return {
      {"process_attempt_no", common.process_attempt_no},
      {"process_retry_attempt_no", common.process_retry_attempt_no},
      {"verification_attempt_no", common.verification_attempt_no},
      {"verification_retry_attempt_no", common.verification_retry_attempt_no},
      {"process_started_at", OptionalToJson(common.process_started_at)},
      {"process_completed_at", OptionalToJson(common.process_completed_at)},
      {"verification_started_at", OptionalToJson(common.verification_started_at)},
      {"verification_completed_at", OptionalToJson(common.verification_completed_at)},
      {"failure_reason", OptionalToJson(common.failure_reason)},
      {"previous_failure_reasons", common.previous_failure_reasons},
      {"orchestrator_version", common.orchestrator_version},
  };
}

std::optional<std::string> ReadCommon(const json& object, CommonMetadata& common) {
  FieldReader reader(object, "metadata.common");
  reader.Counter("process_attempt_no", common.process_attempt_no);
  reader.Counter("process_retry_attempt_no", common.process_retry_attempt_no);
  reader.Counter("verification_attempt_no", common.verification_attempt_no);
  reader.Counter("verification_retry_attempt_no", common.verification_retry_attempt_no);
  reader.Optional("process_started_at", common.process_started_at);
  reader.Optional("process_completed_at", common.process_completed_at);
  reader.Optional("verification_started_at", common.verification_started_at);
  reader.Optional("verification_completed_at", common.verification_completed_at);
  reader.Optional("failure_reason", common.failure_reason);
  if (const json* reasons = reader.Find("previous_failure_reasons");
      reasons != nullptr && !reasons->is_null()) {
    if (!reasons->is_array()) {
      reader.Fail(reader.Path("previous_failure_reasons"), "expected an array of strings");
    } else {
      for (const json& reason : *reasons) {
        std::string text;
        reader.Convert(reason, reader.Path("previous_failure_reasons"), text);
        common.previous_failure_reasons.push_back(std::move(text));
      }
    }
  }
  std::optional<std::string> version;
  reader.Optional("orchestrator_version", version);
  common.orchestrator_version = version.value_or("");
  return reader.error();
}

json SpecificToJson(const SnosMetadata& snos) {
  return {
      {"type", "Snos"},
      {"snos_batch_index", snos.snos_batch_index},
      {"start_block", snos.start_block},
      {"end_block", snos.end_block},
      {"num_blocks", snos.num_blocks},
      {"full_output", snos.full_output},
      {"cairo_pie_path", OptionalToJson(snos.cairo_pie_path)},
      {"on_chain_data_path", OptionalToJson(snos.on_chain_data_path)},
      {"snos_output_path", OptionalToJson(snos.snos_output_path)},
      {"program_output_path", OptionalToJson(snos.program_output_path)},
      {"snos_fact", OptionalToJson(snos.snos_fact)},
      {"snos_n_steps", OptionalToJson(snos.snos_n_steps)},
  };
}

json SpecificToJson(const ProvingMetadata& proving) {
  json input_path = nullptr;
  if (proving.input_path) {
    const char* tag =
        proving.input_path->kind == ProvingInputPath::Kind::kCairoPie ? "CairoPie" : "Proof";
    input_path = json{{tag, proving.input_path->key}};
  }
  json out = {
      {"type", "Proving"},
      {"block_number", proving.block_number},
      {"input_path", input_path},
      {"ensure_on_chain_registration", OptionalToJson(proving.ensure_on_chain_registration)},
      {"download_proof", OptionalToJson(proving.download_proof)},
      {"n_steps", OptionalToJson(proving.n_steps)},
  };
  if (proving.bucket_id) {
    out["bucket_id"] = *proving.bucket_id;
  }
  if (proving.bucket_job_index) {
    out["bucket_job_index"] = *proving.bucket_job_index;
  }
  return out;
}

json SpecificToJson(const DaMetadata& da) {
  json out = {
      {"type", "Da"},
      {"block_number", da.block_number},
      {"blob_data_path", OptionalToJson(da.blob_data_path)},
      {"tx_hash", OptionalToJson(da.tx_hash)},
  };
  // Our additions are left out when absent, so that the reference's shape stays as it was.
  if (da.blob_count) {
    out["blob_count"] = *da.blob_count;
  }
  if (da.starknet_version) {
    out["starknet_version"] = *da.starknet_version;
  }
  return out;
}

json SpecificToJson(const AggregatorMetadata& aggregator) {
  json out = {
      {"type", "Aggregator"},
      {"batch_num", aggregator.batch_num},
      {"ensure_on_chain_registration", OptionalToJson(aggregator.ensure_on_chain_registration)},
      {"download_proof", OptionalToJson(aggregator.download_proof)},
      {"blob_data_path", OptionalToJson(aggregator.blob_data_path)},
      {"da_segment_path", OptionalToJson(aggregator.da_segment_path)},
      {"cairo_pie_path", OptionalToJson(aggregator.cairo_pie_path)},
      {"snos_output_path", OptionalToJson(aggregator.snos_output_path)},
      {"program_output_path", OptionalToJson(aggregator.program_output_path)},
      {"aggregator_query_id", OptionalToJson(aggregator.aggregator_query_id)},
  };
  if (aggregator.bucket_id) {
    out["bucket_id"] = *aggregator.bucket_id;
  }
  return out;
}

json SpecificToJson(const StateUpdateMetadata& state_update) {
  json attempts = json::array();
  for (const TxAttempt& attempt : state_update.tx_attempts) {
    json out = {
        {"attempt_no", attempt.attempt_no}, {"tx_hash", attempt.tx_hash},
        {"nonce", attempt.nonce},           {"gas_multiplier", attempt.gas_multiplier},
        {"status", attempt.status},         {"error", OptionalToJson(attempt.error)},
    };
    // Our additions are left out when absent, so that the reference's shape stays as it was.
    const auto add = [&out](const char* key, const auto& value) {
      if (value) {
        out[key] = *value;
      }
    };
    add("max_fee_per_gas", attempt.max_fee_per_gas);
    add("max_priority_fee_per_gas", attempt.max_priority_fee_per_gas);
    add("max_fee_per_blob_gas", attempt.max_fee_per_blob_gas);
    add("submitted_at_ms", attempt.submitted_at_ms);
    attempts.push_back(std::move(out));
  }
  const SettlementContext& context = state_update.context;
  json out = {
      {"type", "StateUpdate"},
      {"snos_output_path", OptionalToJson(state_update.snos_output_path)},
      {"program_output_path", OptionalToJson(state_update.program_output_path)},
      {"blob_data_path", OptionalToJson(state_update.blob_data_path)},
      {"da_segment_path", OptionalToJson(state_update.da_segment_path)},
      {"tx_hash", OptionalToJson(state_update.tx_hash)},
      {"tx_nonce", OptionalToJson(state_update.tx_nonce)},
      {"tx_attempts", attempts},
      {"context",
       {{"type", context.kind == SettlementContext::Kind::kBatch ? "Batch" : "Block"},
        {"to_settle", context.to_settle},
        {"last_failed", OptionalToJson(context.last_failed)}}},
      {"storage_artifacts_tagged_at", OptionalToJson(state_update.storage_artifacts_tagged_at)},
  };
  if (state_update.fee_cap_alerted_at_ms) {
    out["fee_cap_alerted_at_ms"] = *state_update.fee_cap_alerted_at_ms;
  }
  return out;
}

std::optional<std::string> ReadSnos(FieldReader& reader, SnosMetadata& snos) {
  reader.Required("snos_batch_index", snos.snos_batch_index);
  reader.Required("start_block", snos.start_block);
  reader.Required("end_block", snos.end_block);
  reader.Required("num_blocks", snos.num_blocks);
  reader.Required("full_output", snos.full_output);
  reader.Optional("cairo_pie_path", snos.cairo_pie_path);
  reader.Optional("on_chain_data_path", snos.on_chain_data_path);
  reader.Optional("snos_output_path", snos.snos_output_path);
  reader.Optional("program_output_path", snos.program_output_path);
  reader.Optional("snos_fact", snos.snos_fact);
  reader.Optional("snos_n_steps", snos.snos_n_steps);
  return reader.error();
}

std::optional<std::string> ReadProving(FieldReader& reader, ProvingMetadata& proving) {
  reader.Required("block_number", proving.block_number);
  if (const json* input = reader.Find("input_path"); input != nullptr && !input->is_null()) {
    if (!input->is_object() || input->size() != 1 ||
        (!input->contains("CairoPie") && !input->contains("Proof"))) {
      reader.Fail(reader.Path("input_path"), "expected {\"CairoPie\": key} or {\"Proof\": key}");
    } else {
      ProvingInputPath path;
      path.kind = input->contains("CairoPie") ? ProvingInputPath::Kind::kCairoPie
                                              : ProvingInputPath::Kind::kProof;
      reader.Convert(input->begin().value(), reader.Path("input_path"), path.key);
      proving.input_path = std::move(path);
    }
  }
  reader.Optional("ensure_on_chain_registration", proving.ensure_on_chain_registration);
  reader.Optional("download_proof", proving.download_proof);
  reader.Optional("n_steps", proving.n_steps);
  reader.Optional("bucket_id", proving.bucket_id);
  reader.Optional("bucket_job_index", proving.bucket_job_index);
  return reader.error();
}

std::optional<std::string> ReadDa(FieldReader& reader, DaMetadata& da) {
  reader.Required("block_number", da.block_number);
  reader.Optional("blob_data_path", da.blob_data_path);
  reader.Optional("tx_hash", da.tx_hash);
  reader.Optional("blob_count", da.blob_count);
  reader.Optional("starknet_version", da.starknet_version);
  return reader.error();
}

std::optional<std::string> ReadAggregator(FieldReader& reader, AggregatorMetadata& aggregator) {
  reader.Required("batch_num", aggregator.batch_num);
  reader.Optional("bucket_id", aggregator.bucket_id);
  reader.Optional("ensure_on_chain_registration", aggregator.ensure_on_chain_registration);
  reader.Optional("download_proof", aggregator.download_proof);
  reader.Optional("blob_data_path", aggregator.blob_data_path);
  reader.Optional("da_segment_path", aggregator.da_segment_path);
  reader.Optional("cairo_pie_path", aggregator.cairo_pie_path);
  reader.Optional("snos_output_path", aggregator.snos_output_path);
  reader.Optional("program_output_path", aggregator.program_output_path);
  reader.Optional("aggregator_query_id", aggregator.aggregator_query_id);
  return reader.error();
}

std::optional<std::string> ReadStateUpdate(FieldReader& reader, StateUpdateMetadata& update) {
  reader.Optional("snos_output_path", update.snos_output_path);
  reader.Optional("program_output_path", update.program_output_path);
  reader.Optional("blob_data_path", update.blob_data_path);
  reader.Optional("da_segment_path", update.da_segment_path);
  reader.Optional("tx_hash", update.tx_hash);
  reader.Optional("tx_nonce", update.tx_nonce);
  reader.Optional("storage_artifacts_tagged_at", update.storage_artifacts_tagged_at);
  reader.Optional("fee_cap_alerted_at_ms", update.fee_cap_alerted_at_ms);
  if (const json* attempts = reader.Find("tx_attempts");
      attempts != nullptr && !attempts->is_null()) {
    if (!attempts->is_array()) {
      reader.Fail(reader.Path("tx_attempts"), "expected an array");
    } else {
      for (std::size_t i = 0; i < attempts->size(); ++i) {
        FieldReader attempt_reader((*attempts)[i],
                                   reader.Path("tx_attempts") + "[" + std::to_string(i) + "]");
        TxAttempt attempt;
        attempt_reader.Required("attempt_no", attempt.attempt_no);
        attempt_reader.Required("tx_hash", attempt.tx_hash);
        attempt_reader.Required("nonce", attempt.nonce);
        attempt_reader.Required("gas_multiplier", attempt.gas_multiplier);
        attempt_reader.Required("status", attempt.status);
        attempt_reader.Optional("error", attempt.error);
        attempt_reader.Optional("max_fee_per_gas", attempt.max_fee_per_gas);
        attempt_reader.Optional("max_priority_fee_per_gas", attempt.max_priority_fee_per_gas);
        attempt_reader.Optional("max_fee_per_blob_gas", attempt.max_fee_per_blob_gas);
        attempt_reader.Optional("submitted_at_ms", attempt.submitted_at_ms);
        if (attempt_reader.error()) {
          return attempt_reader.error();
        }
        update.tx_attempts.push_back(std::move(attempt));
      }
    }
  }
  const json* context = reader.Find("context");
  if (context == nullptr) {
    reader.Fail(reader.Path("context"), "missing");
    return reader.error();
  }
  FieldReader context_reader(*context, reader.Path("context"));
  std::string kind;
  context_reader.Required("type", kind);
  context_reader.Required("to_settle", update.context.to_settle);
  context_reader.Optional("last_failed", update.context.last_failed);
  if (context_reader.error()) {
    return context_reader.error();
  }
  if (kind == "Batch") {
    update.context.kind = SettlementContext::Kind::kBatch;
  } else if (kind == "Block") {
    update.context.kind = SettlementContext::Kind::kBlock;
  } else {
    return reader.Path("context") + ".type: expected \"Batch\" or \"Block\", got \"" + kind + "\"";
  }
  return reader.error();
}

}  // namespace

void CommonMetadata::RecordFailure(std::string reason) {
  if (failure_reason) {
    previous_failure_reasons.push_back(std::move(*failure_reason));
  }
  failure_reason = std::move(reason);
}

nlohmann::json ToJson(const JobMetadata& metadata) {
  return {
      {"common", CommonToJson(metadata.common)},
      {"specific", std::visit([](const auto& specific) { return SpecificToJson(specific); },
                              metadata.specific)},
  };
}

Result<JobMetadata> ParseJobMetadata(const nlohmann::json& json) {
  const auto corrupt = [](const std::string& why) {
    return Error::DataLoss("job metadata does not parse: {}", why);
  };
  if (!json.is_object() || !json.contains("common") || !json.contains("specific")) {
    return corrupt("metadata: expected an object with \"common\" and \"specific\"");
  }
  JobMetadata metadata;
  if (auto problem = ReadCommon(json.at("common"), metadata.common)) {
    return corrupt(*problem);
  }
  FieldReader reader(json.at("specific"), "metadata.specific");
  std::string type;
  reader.Required("type", type);
  if (reader.error()) {
    return corrupt(*reader.error());
  }
  std::optional<std::string> problem;
  if (type == "Snos") {
    problem = ReadSnos(reader, metadata.specific.emplace<SnosMetadata>());
  } else if (type == "Proving") {
    problem = ReadProving(reader, metadata.specific.emplace<ProvingMetadata>());
  } else if (type == "Da") {
    problem = ReadDa(reader, metadata.specific.emplace<DaMetadata>());
  } else if (type == "Aggregator") {
    problem = ReadAggregator(reader, metadata.specific.emplace<AggregatorMetadata>());
  } else if (type == "StateUpdate") {
    problem = ReadStateUpdate(reader, metadata.specific.emplace<StateUpdateMetadata>());
  } else {
    problem = "metadata.specific.type: unknown type \"" + type +
              "\" (expected Aggregator, Da, Proving, Snos or StateUpdate)";
  }
  if (problem) {
    return corrupt(*problem);
  }
  return metadata;
}

}  // namespace orch::job
