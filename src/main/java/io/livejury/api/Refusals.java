package io.livejury.api;

import io.livejury.common.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A request the contract refuses, said as the contract's 400 {@code bad_request}: the validator's messages describe
 * its own machinery ("Instance type number is invalid. Expected string at /segments/0/id"); the client is told the
 * field in the API's own words ({@code segments[0].id must be a string}).
 */
final class Refusals {

  /** The parameter a validator message is about: "… query parameter limit is invalid …". */
  private static final Pattern PARAMETER = Pattern.compile("(?:query|path|header|cookie) parameter ([^\\s.]+)");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern LAST_NUMBER = Pattern.compile("(-?[0-9][0-9.eE+-]*)\\)?$");

  private Refusals() {
  }

  /** The 400 for a request the validator refused against {@code operation}, naming the field or parameter at fault. */
  static ApiException of(Operation operation, ValidatorException refused) {
    String message = refused.getMessage() == null ? "" : refused.getMessage();
    Matcher parameter = PARAMETER.matcher(message);
    String subject = parameter.find() ? parameter.group(1) : "";
    Parameter named = subject.isEmpty() ? null : parameter(operation, subject);
    if (named != null && refused.type() != ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      // The validator reads a query value as JSON where it can ("true " is true, "1.5" a number): whatever it made of
      // a value outside its schema, the client needs the list, or the range, the schema gives.
      if (named.getSchema().get("enum") instanceof JsonArray choices) {
        return ApiException.badRequest(subject + " must be " + oneOf(choices));
      }
      Object min = named.getSchema().get("minimum");
      Object max = named.getSchema().get("maximum");
      if ("integer".equals(named.getSchema().get("type")) && min != null && max != null) {
        return ApiException.badRequest(subject + " must be a whole number from " + min + " to " + max);
      }
    }
    if (refused instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null
        && invalid.getOutputUnit().getErrors() != null && !invalid.getOutputUnit().getErrors().isEmpty()) {
      List<OutputUnit> errors = invalid.getOutputUnit().getErrors();
      // Errors nest outer to inner; the last is the innermost failure of the last field that failed.
      return ApiException.badRequest(say(subject, errors.get(errors.size() - 1)));
    }
    ValidatorErrorType type = refused.type();
    if (type == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return ApiException.badRequest(subject.isEmpty() ? "a JSON object body is required" : subject + " is required");
    }
    if (subject.isEmpty() && type == ValidatorErrorType.ILLEGAL_VALUE && message.contains("body")) {
      return ApiException.badRequest("the body is not valid JSON");
    }
    return ApiException.badRequest(subject.isEmpty() ? "the request is not one this API takes: " + message
        : subject + " is not a value this API takes");
  }

  /** One schema failure in words: the field (as a client writes it) and what it must be. */
  static String say(String subject, OutputUnit error) {
    String field = field(subject, error.getInstanceLocation());
    String keyword = keyword(error.getKeywordLocation());
    String text = error.getError() == null ? "" : error.getError();
    return switch (keyword) {
      case "required" -> join(field, quoted(text)) + " is required";
      case "type" -> field.isEmpty() ? "the body must be a JSON object"
          : field + " must be " + types(text.substring(text.indexOf("Expected ") + "Expected ".length()));
      case "enum" -> (field.isEmpty() ? "the body" : field) + " must be " + choices(text);
      case "maxLength" -> field + " is longer than " + limit(text) + " characters";
      case "minLength" -> "1".equals(limit(text)) ? field + " must not be empty"
          : field + " is shorter than " + limit(text) + " characters";
      case "minimum" -> field + " must be at least " + limit(text);
      case "maximum" -> field + " must be at most " + limit(text);
      case "exclusiveMinimum" -> field + " must be more than " + limit(text);
      case "exclusiveMaximum" -> field + " must be less than " + limit(text);
      case "minItems" -> field + " must hold at least " + items(limit(text));
      case "maxItems" -> field + " must hold at most " + items(limit(text));
      case "pattern" -> field + " does not have the form the API documents for it (GET /openapi.json)";
      default -> (field.isEmpty() ? "the body" : field) + " is not valid: " + text;
    };
  }

  /**
   * A JSON pointer into the request as a client names the field: {@code /segments/0/id} is {@code segments[0].id};
   * a parameter's own value is the parameter.
   */
  static String field(String subject, String pointer) {
    StringBuilder field = new StringBuilder(subject);
    if (pointer != null && !pointer.isEmpty()) {
      for (String token : pointer.substring(1).split("/", -1)) {
        String name = token.replace("~1", "/").replace("~0", "~");
        if (name.isEmpty()) {
          continue; // the value itself: a parameter's location is "/"
        }
        if (name.chars().allMatch(Character::isDigit) && field.length() > 0) {
          field.append('[').append(name).append(']');
        } else {
          field.append(field.length() > 0 ? "." : "").append(name);
        }
      }
    }
    return field.toString();
  }

  private static String keyword(String location) {
    return location == null ? "" : location.substring(location.lastIndexOf('/') + 1);
  }

  private static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  private static String quoted(String text) {
    Matcher quoted = QUOTED.matcher(text);
    return quoted.find() ? quoted.group(1) : "a field";
  }

  /** "string, null" as "a string or null". */
  private static String types(String expected) {
    return List.of(expected.split(",\\s*")).stream().map(type -> switch (type.trim()) {
      case "string" -> "a string";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "a list";
      default -> type.trim();
    }).collect(Collectors.joining(" or "));
  }

  /** The allowed values of "Instance does not match any of [\"live\",\"hidden\"]" as {@code [live, hidden]}. */
  private static String choices(String text) {
    int start = text.indexOf('[');
    return start < 0 ? "one of " + text : oneOf(new JsonArray(text.substring(start)));
  }

  /** "one of [a, b]"; "empty or one of [a, b]" when the empty string is a choice, which a list cannot show. */
  private static String oneOf(JsonArray values) {
    List<String> words = values.stream().map(String::valueOf).toList();
    return words.contains("") ? "empty or one of " + words.stream().filter(w -> !w.isEmpty()).toList()
        : "one of " + words;
  }

  /** The operation's parameter {@code name}, or null. */
  private static Parameter parameter(Operation operation, String name) {
    return operation.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst().orElse(null);
  }

  /** The limit a message ends with: "String is too long (201 > 200)" → 200; "-1 is less than 0" → 0. */
  private static String limit(String text) {
    Matcher number = LAST_NUMBER.matcher(text.trim());
    return number.find() ? number.group(1) : "its limit";
  }

  private static String items(String count) {
    return count + ("1".equals(count) ? " item" : " items");
  }
}
