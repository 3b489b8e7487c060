#include "sitepack/result.h"

namespace sitepack {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::ok: return "ok";
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::io: return "io";
        case ErrorCode::not_a_bundle: return "not_a_bundle";
        case ErrorCode::unsupported_version: return "unsupported_version";
        case ErrorCode::corrupt: return "corrupt";
        case ErrorCode::bad_input: return "bad_input";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::internal: return "internal";
    }
    return "unknown";
}

}  // namespace sitepack
