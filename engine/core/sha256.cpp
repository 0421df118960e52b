#include "engine/core/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"

namespace buurt {

std::string sha256_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return "";
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw input_error({path, "", "", ""}, "cannot read to compute its checksum");
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw error("cannot start SHA-256");
    }
    std::array<char, 1 << 16> buf{};
    while (in) {
        check_interrupt();  // a checksum of a large file must not hold up Ctrl-C
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0) {
            EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
        }
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest.data(), &len);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

} // namespace buurt
