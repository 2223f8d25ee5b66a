// N-API plumbing for the bindings: errors crossing the boundary, argument reading, and
// bounds-checked access to the wasm heap.
#pragma once

#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace isnet::napi {

// A JS exception is already pending; the boundary must not throw another.
struct PendingException {};

inline void check(napi_env env, napi_status status) {
  if (status == napi_ok) return;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) throw PendingException{};
  const napi_extended_error_info* info = nullptr;
  napi_get_last_error_info(env, &info);
  throw std::runtime_error(info != nullptr && info->error_message != nullptr
                               ? info->error_message
                               : "N-API call failed");
}

// Runs a binding body, turning C++ exceptions into JS exceptions.
template <class Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const PendingException&) {
  } catch (const std::invalid_argument& error) {
    napi_throw_type_error(env, nullptr, error.what());
  } catch (const std::out_of_range& error) {
    napi_throw_range_error(env, nullptr, error.what());
  } catch (const std::bad_alloc&) {
    napi_throw_error(env, nullptr, "isnet native kernels: out of memory");
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
  }
  return nullptr;
}

inline std::vector<napi_value> arguments(napi_env env, napi_callback_info info, size_t expected) {
  size_t count = expected;
  std::vector<napi_value> values(expected);
  check(env, napi_get_cb_info(env, info, &count, values.data(), nullptr, nullptr));
  if (count < expected) {
    throw std::invalid_argument("expected " + std::to_string(expected) + " arguments");
  }
  return values;
}

inline napi_value undefined(napi_env env) {
  napi_value value;
  check(env, napi_get_undefined(env, &value));
  return value;
}

inline napi_value js_string(napi_env env, const std::string& text) {
  napi_value result;
  check(env, napi_create_string_utf8(env, text.c_str(), text.size(), &result));
  return result;
}

// Named fields of the plain object each kernel receives.
class Fields {
 public:
  Fields(napi_env env, napi_value object) : env_(env), object_(object) {}

  napi_value get(const char* name) const {
    napi_value value;
    check(env_, napi_get_named_property(env_, object_, name, &value));
    return value;
  }

  double number(const char* name) const {
    napi_value value = get(name);
    napi_valuetype type;
    check(env_, napi_typeof(env_, value, &type));
    if (type != napi_number) throw std::invalid_argument(std::string(name) + " must be a number");
    double result;
    check(env_, napi_get_value_double(env_, value, &result));
    return result;
  }

  int64_t integer(const char* name) const {
    const double value = number(name);
    if (value != std::floor(value) || std::fabs(value) > 9007199254740992.0) {
      throw std::invalid_argument(std::string(name) + " must be an integer");
    }
    return static_cast<int64_t>(value);
  }

  // Sizes and strides; strides and dilations must also be at least 1.
  int64_t count(const char* name, int64_t minimum = 0) const {
    const int64_t value = integer(name);
    if (value < minimum || value > (int64_t{1} << 32)) {
      throw std::out_of_range(std::string(name) + " is out of range");
    }
    return value;
  }

  bool boolean(const char* name) const {
    napi_value value = get(name);
    bool result;
    if (napi_get_value_bool(env_, value, &result) != napi_ok) {
      throw std::invalid_argument(std::string(name) + " must be a boolean");
    }
    return result;
  }

  const int32_t* int32_array(const char* name, size_t* length) const {
    napi_value value = get(name);
    bool is_typed_array = false;
    check(env_, napi_is_typedarray(env_, value, &is_typed_array));
    napi_typedarray_type type;
    void* data = nullptr;
    if (is_typed_array) {
      check(env_, napi_get_typedarray_info(env_, value, &type, length, &data, nullptr, nullptr));
    }
    if (!is_typed_array || type != napi_int32_array) {
      throw std::invalid_argument(std::string(name) + " must be an Int32Array");
    }
    return static_cast<const int32_t*>(data);
  }

 private:
  napi_env env_;
  napi_value object_;
};

// Product of tensor dimensions, refusing overflow so that bounds checks stay meaningful.
inline int64_t elements(std::initializer_list<int64_t> dims) {
  int64_t product = 1;
  for (const int64_t dim : dims) {
    if (__builtin_mul_overflow(product, dim, &product)) {
      throw std::out_of_range("tensor size overflows");
    }
  }
  return product;
}

// The wasm heap. napi_get_typedarray_info works for views of ArrayBuffers and
// SharedArrayBuffers alike (the threaded wasm build's memory is shared), and the caller
// passes a view taken after allocating the output, so a grown memory is seen in full.
class Heap {
 public:
  Heap(napi_env env, napi_value value) {
    bool is_typed_array = false;
    check(env, napi_is_typedarray(env, value, &is_typed_array));
    napi_typedarray_type type;
    void* data = nullptr;
    if (is_typed_array) {
      check(env, napi_get_typedarray_info(env, value, &type, &size_, &data, nullptr, nullptr));
    }
    if (!is_typed_array || type != napi_uint8_array) {
      throw std::invalid_argument("heap must be a Uint8Array over the wasm memory");
    }
    bytes_ = static_cast<uint8_t*>(data);
  }

  float* floats(const Fields& fields, const char* name, int64_t count) const {
    const int64_t offset = fields.integer(name);
    const int64_t size = static_cast<int64_t>(size_);
    if (offset < 0 || offset % 4 != 0 || offset > size || count > (size - offset) / 4) {
      throw std::out_of_range(std::string(name) + ": " + std::to_string(count) +
                              " floats at byte offset " + std::to_string(offset) +
                              " lie outside the wasm heap");
    }
    return reinterpret_cast<float*>(bytes_ + offset);
  }

  // The same for an operand that may be absent: offset -1 gives null.
  float* optional_floats(const Fields& fields, const char* name, int64_t count) const {
    return fields.integer(name) == -1 ? nullptr : floats(fields, name, count);
  }

 private:
  uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
};

}  // namespace isnet::napi
