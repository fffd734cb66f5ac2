#include "orch/aws/scheduler_client.h"

#include <fmt/format.h>

#include <utility>

#include "orch/aws/sigv4_signer.h"
#include "orch/common/strings.h"

namespace orch::aws {
namespace {

constexpr std::string_view kScheduleEnabled = "ENABLED";
constexpr std::string_view kWindowOff = "OFF";

nlohmann::json RequestBody(const Schedule& schedule) {
  nlohmann::json body = {
      {"ScheduleExpression", schedule.schedule_expression},
      {"FlexibleTimeWindow", {{"Mode", kWindowOff}}},
      {"State", kScheduleEnabled},
      {"Target",
       {{"Arn", schedule.target_arn}, {"RoleArn", schedule.role_arn}, {"Input", schedule.input}}},
  };
  if (!schedule.description.empty()) {
    body["Description"] = schedule.description;
  }
  return body;
}

}  // namespace

Result<nlohmann::json> SchedulerClient::Call(std::string_view operation, std::string_view method,
                                             std::string_view name,
                                             const nlohmann::json& body) const {
  http::HttpRequest request{
      .method = std::string(method),
      .url = fmt::format("{}/schedules/{}", scheduler_.endpoint(), UriEncode(name)),
      .timeout = {},  // not positive: the AwsClient's own
  };
  if (!body.is_null()) {
    request.headers = {{"content-type", "application/json"}};
    request.body = body.dump();
  }
  ORCH_ASSIGN_OR_RETURN(const http::HttpResponse response,
                        scheduler_.Send(operation, std::move(request)));
  if (TrimWhitespace(response.body).empty()) {
    return nlohmann::json::object();
  }
  nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return Error::DataLoss("EventBridge Scheduler {} {}: the answer is not a JSON object",
                           operation, name);
  }
  return answer;
}

Result<ScheduleDescription> SchedulerClient::GetSchedule(std::string_view name) const {
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer, Call("GetSchedule", "GET", name, nullptr));
  const nlohmann::json& target = JsonObjectMember(answer, "Target");
  ScheduleDescription description{
      .schedule = {.name = JsonStringMember(answer, "Name"),
                   .schedule_expression = JsonStringMember(answer, "ScheduleExpression"),
                   .description = JsonStringMember(answer, "Description"),
                   .target_arn = JsonStringMember(target, "Arn"),
                   .role_arn = JsonStringMember(target, "RoleArn"),
                   .input = JsonStringMember(target, "Input")},
      .arn = JsonStringMember(answer, "Arn"),
      .state = JsonStringMember(answer, "State"),
      .flexible_time_window_mode =
          JsonStringMember(JsonObjectMember(answer, "FlexibleTimeWindow"), "Mode"),
  };
  if (description.arn.empty()) {
    return Error::DataLoss("EventBridge Scheduler GetSchedule {}: the answer has no Arn", name);
  }
  return description;
}

Result<std::string> SchedulerClient::Put(std::string_view operation, std::string_view method,
                                         const Schedule& schedule) const {
  ORCH_ASSIGN_OR_RETURN(const nlohmann::json answer,
                        Call(operation, method, schedule.name, RequestBody(schedule)));
  std::string arn = JsonStringMember(answer, "ScheduleArn");
  if (arn.empty()) {
    return Error::DataLoss("EventBridge Scheduler {} {}: the answer has no ScheduleArn", operation,
                           schedule.name);
  }
  return arn;
}

Result<std::string> SchedulerClient::CreateSchedule(const Schedule& schedule) const {
  return Put("CreateSchedule", "POST", schedule);
}

Result<std::string> SchedulerClient::UpdateSchedule(const Schedule& schedule) const {
  return Put("UpdateSchedule", "PUT", schedule);
}

Result<Ensured> SchedulerClient::EnsureSchedule(const Schedule& schedule) const {
  Result<ScheduleDescription> existing = GetSchedule(schedule.name);
  if (!existing.ok() && existing.error().code() != ErrorCode::kNotFound) {
    return existing.error();
  }
  if (!existing.ok()) {
    Result<std::string> created = CreateSchedule(schedule);
    if (created.ok()) {
      return Ensured{EnsureOutcome::kCreated, std::move(created).value()};
    }
    if (created.error().code() != ErrorCode::kAlreadyExists) {
      return created.error();
    }
    existing = GetSchedule(schedule.name);
    ORCH_RETURN_IF_ERROR(existing);
  }
  const Schedule& found = existing->schedule;
  if (found.schedule_expression == schedule.schedule_expression &&
      found.description == schedule.description && found.target_arn == schedule.target_arn &&
      found.role_arn == schedule.role_arn && found.input == schedule.input &&
      existing->state == kScheduleEnabled && existing->flexible_time_window_mode == kWindowOff) {
    return Ensured{EnsureOutcome::kUnchanged, existing->arn};
  }
  ORCH_ASSIGN_OR_RETURN(std::string arn, UpdateSchedule(schedule));
  return Ensured{EnsureOutcome::kUpdated, std::move(arn)};
}

}  // namespace orch::aws
