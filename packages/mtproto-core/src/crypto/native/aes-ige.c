/*
 * Optional Node addon: AES-256-IGE with AES-NI. IGE is sequential (each block's input depends on
 * the previous block's output), so this is bound by the AESENC/AESDEC latency chain of one block,
 * about 1 GB/s on current x86 cores, versus ~200-300 MB/s for the best table-based WASM.
 *
 * The JS side (aes-ige-native.node.ts) loads this only if it was built and `supported()` is true
 * (x86-64 with the AES instructions); otherwise it falls back to the portable code.
 *
 * exports.encrypt(data, key, iv, out) / exports.decrypt(data, key, iv, out): Uint8Arrays,
 * data.length % 16 == 0, key 32 bytes, iv 32 bytes (c_prev ‖ p_prev), out as long as data
 * (may be data itself). Arguments are validated by the JS wrapper; this file re-checks sizes.
 */
#include <node_api.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

#if HAVE_X86
#define TARGET __attribute__((target("aes,sse2")))

TARGET static __m128i expand_step_a(__m128i a, __m128i b) {
  b = _mm_shuffle_epi32(b, 0xff);
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  return _mm_xor_si128(a, b);
}

TARGET static __m128i expand_step_b(__m128i a, __m128i c) {
  __m128i b = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(c, 0x00), 0xaa);
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  a = _mm_xor_si128(a, _mm_slli_si128(a, 4));
  return _mm_xor_si128(a, b);
}

/* FIPS-197 AES-256 key schedule: 15 round keys. */
TARGET static void expand_key(const uint8_t *key, __m128i rk[15]) {
  __m128i a = _mm_loadu_si128((const __m128i *)key);
  __m128i c = _mm_loadu_si128((const __m128i *)(key + 16));
  rk[0] = a;
  rk[1] = c;
#define ROUND(i, rcon)                                             \
  a = expand_step_a(a, _mm_aeskeygenassist_si128(c, rcon));       \
  rk[i] = a;                                                       \
  if (i + 1 < 15) { c = expand_step_b(c, a); rk[i + 1] = c; }
  ROUND(2, 0x01)
  ROUND(4, 0x02)
  ROUND(6, 0x04)
  ROUND(8, 0x08)
  ROUND(10, 0x10)
  ROUND(12, 0x20)
  ROUND(14, 0x40)
#undef ROUND
}

/*
 * The chaining XORs are folded so that only one XOR sits on the critical path between two blocks,
 * as in CBC: next input = E_out ^ (p_prev ^ p_next ^ rk0), with c = E_out ^ p_prev stored aside.
 */
TARGET static void ige_encrypt(const uint8_t *in, uint8_t *out, size_t n, const uint8_t *key, const uint8_t *iv) {
  __m128i rk[15];
  expand_key(key, rk);
  __m128i c_prev = _mm_loadu_si128((const __m128i *)iv);
  __m128i p_prev = _mm_loadu_si128((const __m128i *)(iv + 16));
  if (n == 0) return;
  __m128i p = _mm_loadu_si128((const __m128i *)in);
  __m128i x = _mm_xor_si128(_mm_xor_si128(p, c_prev), rk[0]);
  for (size_t off = 0; off < n; off += 16) {
    for (int r = 1; r < 14; r++) x = _mm_aesenc_si128(x, rk[r]);
    x = _mm_aesenclast_si128(x, rk[14]);
    _mm_storeu_si128((__m128i *)(out + off), _mm_xor_si128(x, p_prev));
    if (off + 16 < n) {
      __m128i p_next = _mm_loadu_si128((const __m128i *)(in + off + 16));
      x = _mm_xor_si128(x, _mm_xor_si128(_mm_xor_si128(p_prev, p_next), rk[0]));
      p_prev = p;
      p = p_next;
    }
  }
  memset(rk, 0, sizeof rk);
}

TARGET static void ige_decrypt(const uint8_t *in, uint8_t *out, size_t n, const uint8_t *key, const uint8_t *iv) {
  __m128i ek[15], dk[15];
  expand_key(key, ek);
  /* Equivalent inverse cipher: reversed keys, InvMixColumns on the middle ones. */
  dk[0] = ek[14];
  for (int r = 1; r < 14; r++) dk[r] = _mm_aesimc_si128(ek[14 - r]);
  dk[14] = ek[0];
  __m128i c_prev = _mm_loadu_si128((const __m128i *)iv);
  __m128i p_prev = _mm_loadu_si128((const __m128i *)(iv + 16));
  if (n == 0) return;
  /* Same folding: next input = D_out ^ (c_prev ^ c_next ^ dk0); p = D_out ^ c_prev stored aside. */
  __m128i c = _mm_loadu_si128((const __m128i *)in);
  __m128i x = _mm_xor_si128(_mm_xor_si128(c, p_prev), dk[0]);
  for (size_t off = 0; off < n; off += 16) {
    for (int r = 1; r < 14; r++) x = _mm_aesdec_si128(x, dk[r]);
    x = _mm_aesdeclast_si128(x, dk[14]);
    _mm_storeu_si128((__m128i *)(out + off), _mm_xor_si128(x, c_prev));
    if (off + 16 < n) {
      __m128i c_next = _mm_loadu_si128((const __m128i *)(in + off + 16));
      x = _mm_xor_si128(x, _mm_xor_si128(_mm_xor_si128(c_prev, c_next), dk[0]));
      c_prev = c;
      c = c_next;
    }
  }
  memset(ek, 0, sizeof ek);
  memset(dk, 0, sizeof dk);
}

static int cpu_has_aes(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  return (c & bit_AES) != 0 && (d & bit_SSE2) != 0;
}
#endif

typedef void (*ige_fn)(const uint8_t *, uint8_t *, size_t, const uint8_t *, const uint8_t *);

static int get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok || type != napi_uint8_array) return 0;
  *data = (uint8_t *)raw;
  return 1;
}

static napi_value run(napi_env env, napi_callback_info info, ige_fn fn) {
  size_t argc = 4;
  napi_value argv[4];
  uint8_t *data, *key, *iv, *out;
  size_t data_len, key_len, iv_len, out_len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4 || !get_bytes(env, argv[0], &data, &data_len) || !get_bytes(env, argv[1], &key, &key_len) ||
      !get_bytes(env, argv[2], &iv, &iv_len) || !get_bytes(env, argv[3], &out, &out_len) || key_len != 32 || iv_len != 32 ||
      data_len % 16 != 0 || out_len != data_len) {
    napi_throw_range_error(env, NULL, "aes-ige native: expected (data % 16, key 32, iv 32, out same length as data)");
    return NULL;
  }
  if (data_len > 0) fn(data, out, data_len, key, iv);
  return argv[3];
}

#if HAVE_X86
static napi_value encrypt(napi_env env, napi_callback_info info) { return run(env, info, ige_encrypt); }
static napi_value decrypt(napi_env env, napi_callback_info info) { return run(env, info, ige_decrypt); }
#endif

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#if HAVE_X86
  napi_get_boolean(env, cpu_has_aes(), &result);
#else
  napi_get_boolean(env, 0, &result);
#endif
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &fn);
  napi_set_named_property(env, exports, "supported", fn);
#if HAVE_X86
  napi_create_function(env, "encrypt", NAPI_AUTO_LENGTH, encrypt, NULL, &fn);
  napi_set_named_property(env, exports, "encrypt", fn);
  napi_create_function(env, "decrypt", NAPI_AUTO_LENGTH, decrypt, NULL, &fn);
  napi_set_named_property(env, exports, "decrypt", fn);
#endif
  return exports;
}
