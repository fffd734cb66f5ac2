#include "orch/alert/sns/sns_client.h"

#include <fmt/format.h>

#include <pugixml.hpp>
#include <utility>

namespace orch::alert {
namespace {

constexpr std::string_view kApiVersion = "2010-03-31";

Result<pugi::xml_document> ParseXml(std::string_view operation, const std::string& xml) {
  pugi::xml_document document;
  if (!document.load_buffer(xml.data(), xml.size())) {
    return Error::DataLoss("SNS {}: the answer is not XML", operation);
  }
  return document;
}

// The text of the element at `xpath`, or kDataLoss naming it.
Result<std::string> RequiredText(std::string_view operation, const pugi::xml_document& document,
                                 const char* xpath) {
  const pugi::xml_node node = document.select_node(xpath).node();
  if (!node) {
    return Error::DataLoss("SNS {}: the answer has no {}", operation, xpath);
  }
  return std::string(node.child_value());
}

// "arn:aws:sns:us-east-1:123456789012:alerts" → "alerts".
std::string_view TopicNameOf(std::string_view arn) {
  const std::size_t colon = arn.rfind(':');
  return colon == std::string_view::npos ? arn : arn.substr(colon + 1);
}

}  // namespace

Result<std::string> SnsClient::Call(std::string_view operation, const aws::QueryParams& params,
                                    std::chrono::milliseconds timeout) const {
  aws::QueryParams all = {{"Action", std::string(operation)},
                          {"Version", std::string(kApiVersion)}};
  all.insert(all.end(), params.begin(), params.end());
  http::HttpRequest request{
      .method = "POST",
      .url = sns_.endpoint() + "/",
      .headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}},
      .body = aws::FormEncode(all),
      .timeout = timeout,  // not positive: the AwsClient's own
  };
  ORCH_ASSIGN_OR_RETURN(http::HttpResponse response, sns_.Send(operation, std::move(request)));
  return std::move(response.body);
}

Result<std::string> SnsClient::CreateTopic(std::string_view name) const {
  ORCH_ASSIGN_OR_RETURN(const std::string xml, Call("CreateTopic", {{"Name", std::string(name)}}));
  ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document, ParseXml("CreateTopic", xml));
  return RequiredText("CreateTopic", document, "//CreateTopicResult/TopicArn");
}

Result<std::string> SnsClient::ResolveTopicArn(std::string_view name_or_arn) const {
  if (name_or_arn.starts_with("arn:")) {
    return std::string(name_or_arn);
  }
  if (name_or_arn.empty()) {
    return Error::InvalidArgument("SNS topic: no name given");
  }
  std::string next_token;
  do {
    aws::QueryParams params;
    if (!next_token.empty()) {
      params.emplace_back("NextToken", next_token);
    }
    ORCH_ASSIGN_OR_RETURN(const std::string xml, Call("ListTopics", params));
    ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document, ParseXml("ListTopics", xml));
    for (const pugi::xpath_node& member :
         document.select_nodes("//ListTopicsResult/Topics/member/TopicArn")) {
      const std::string arn = member.node().child_value();
      if (TopicNameOf(arn) == name_or_arn) {
        return arn;
      }
    }
    next_token = document.select_node("//ListTopicsResult/NextToken").node().child_value();
  } while (!next_token.empty());
  return Error::NotFound("SNS topic '{}' does not exist in region {} (ListTopics)", name_or_arn,
                         sns_.config().region);
}

Result<std::map<std::string, std::string, std::less<>>> SnsClient::GetTopicAttributes(
    std::string_view topic_arn) const {
  ORCH_ASSIGN_OR_RETURN(const std::string xml,
                        Call("GetTopicAttributes", {{"TopicArn", std::string(topic_arn)}}));
  ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document, ParseXml("GetTopicAttributes", xml));
  if (!document.select_node("//GetTopicAttributesResult")) {
    return Error::DataLoss("SNS GetTopicAttributes: the answer has no GetTopicAttributesResult");
  }
  std::map<std::string, std::string, std::less<>> attributes;
  for (const pugi::xpath_node& entry :
       document.select_nodes("//GetTopicAttributesResult/Attributes/entry")) {
    attributes[entry.node().child_value("key")] = entry.node().child_value("value");
  }
  return attributes;
}

Result<std::string> SnsClient::Publish(std::string_view topic_arn, std::string_view subject,
                                       std::string_view message,
                                       std::chrono::milliseconds timeout) const {
  aws::QueryParams params = {{"TopicArn", std::string(topic_arn)},
                             {"Message", std::string(message)}};
  if (!subject.empty()) {
    params.emplace_back("Subject", std::string(subject));
  }
  ORCH_ASSIGN_OR_RETURN(const std::string xml, Call("Publish", params, timeout));
  ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document, ParseXml("Publish", xml));
  return RequiredText("Publish", document, "//PublishResult/MessageId");
}

}  // namespace orch::alert
