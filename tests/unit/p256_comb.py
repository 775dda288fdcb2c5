#!/usr/bin/env python3
# relaymail: prints src/tls_p256.c's comb table. ISC licence, see LICENSE.
# comb[s][d - 1] = sum of 2^(64 i + 16 s) G over the bits i of d
# (s = 0..3, d = 1..15), affine, x and y in Montgomery form (times 2^256
# mod p) as four 64-bit limbs, least significant first. Plain affine
# arithmetic from SEC 1 section 2.2.1; t_p256 checks every entry against
# BearSSL. usage: python3 tests/unit/p256_comb.py
p = 2**256 - 2**224 + 2**192 + 2**96 - 1
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def add(P, Q):
    """P + Q for affine points, None the point at infinity (a = -3)."""
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0]:
        if (P[1] + Q[1]) % p == 0:
            return None
        lam = (3 * P[0] * P[0] - 3) * pow(2 * P[1], -1, p) % p
    else:
        lam = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (lam * lam - P[0] - Q[0]) % p
    return (x, (lam * (P[0] - x) - P[1]) % p)


def mul(k, P):
    R = None
    while k:
        if k & 1:
            R = add(R, P)
        P = add(P, P)
        k >>= 1
    return R


def limbs(v):
    v = v * 2**256 % p
    return ["0x%016x" % ((v >> (64 * i)) & (2**64 - 1)) for i in range(4)]


print("static const uint64_t comb[4][15][8] = {")
for s in range(4):
    print("\t{")
    for d in range(1, 16):
        k = sum(1 << (64 * i + 16 * s) for i in range(4) if d >> i & 1)
        x, y = mul(k, G)
        v = limbs(x) + limbs(y)
        print("\t\t{ %s,\n\t\t  %s,\n\t\t  %s }," % (", ".join(v[0:3]),
              ", ".join(v[3:6]), ", ".join(v[6:8])))
    print("\t},")
print("};")
