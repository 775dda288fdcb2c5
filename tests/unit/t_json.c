/* relaymail: unit tests for the JSON reader (token endpoint replies).
 * ISC licence, see LICENSE. */
#include <limits.h>
#include <string.h>

#include "json.h"
#include "t.h"

static char out[64];

static int
str(const char *doc, const char *key)
{
	memset(out, 'x', sizeof(out));
	return json_string(doc, strlen(doc), key, out, sizeof(out));
}

static int
num(const char *doc, const char *key, long *n)
{
	return json_number(doc, strlen(doc), key, n);
}

TEST(token_reply)
{
	const char *d = "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
	    "\"ext\":{\"a\":[1,2,{\"b\":null}]},\"access_token\":\"eyJ0.x-y\"}";
	long n = 0;

	T_EQ(str(d, "access_token"), 0);
	T_STREQ(out, "eyJ0.x-y");
	T_EQ(num(d, "expires_in", &n), 0);
	T_EQ(n, 3599);
	T_EQ(str(d, "refresh_token"), -1);
	T_EQ(str(d, "expires_in"), -1);		/* not a string */
	T_EQ(str(d, "a"), -1);			/* nested: not top level */
}

TEST(escapes)
{
	T_EQ(str("{\"k\":\"a\\\"b\\\\c\\/d\\n\"}", "k"), 0);
	T_STREQ(out, "a\"b\\c/d\n");
	T_EQ(str("{\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}", "k"), 0);
	T_STREQ(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	T_EQ(str("{\"k\":\"caf\xc3\xa9\"}", "k"), 0);
	T_STREQ(out, "caf\xc3\xa9");
	T_EQ(str("{\"\\u006b\":\"v\"}", "k"), 0);	/* escaped key */
	T_STREQ(out, "v");
	T_EQ(str("{\"k\":\"a\\u0000b\"}", "k"), -1);	/* NUL */
	T_EQ(str("{\"o\":\"a\\u0000b\",\"k\":\"v\"}", "k"), 0);
	T_EQ(str("{\"k\":\"\\ud83d\"}", "k"), -1);	/* lone surrogate */
	T_EQ(str("{\"k\":\"\\ude00\"}", "k"), -1);
	T_EQ(str("{\"k\":\"\\x\"}", "k"), -1);
	T_EQ(str("{\"k\":\"\\u12g4\"}", "k"), -1);
	T_EQ(str("{\"k\":\"a\tb\"}", "k"), -1);	/* raw control */
}

TEST(invalid_documents)
{
	static const char *bad[] = {
		"", "[]", "\"k\"", "{", "{\"k\"}", "{\"k\":}", "{\"k\":1,}",
		"{\"k\":\"v\"} x", "{\"k\":\"v\"", "{\"k\":01}", "{\"k\":1.}",
		"{\"k\":-}", "{\"k\":1e}", "{\"k\":tru}", "{k:\"v\"}",
		"{\"k\":\"v\",\"j\":[1,]}", "{\"k\":\"v\" \"j\":1}", NULL
	};
	int i;

	for (i = 0; bad[i] != NULL; i++)
		if (str(bad[i], "k") != -1)
			T_FAIL_("accepted \"%s\"", bad[i]);
	T_EQ(str(" \r\n{ \"k\" : \"v\" }\n", "k"), 0);
	T_EQ(str("{\"n\":-1.5e+3,\"t\":true,\"f\":false,\"z\":null,"
	    "\"k\":\"v\"}", "k"), 0);
}

TEST(first_member_wins)
{
	T_EQ(str("{\"k\":\"one\",\"k\":\"two\"}", "k"), 0);
	T_STREQ(out, "one");
}

TEST(caps)
{
	char deep[200];
	char big[100];
	long n;
	int i;

	/* 63 bytes fit in out[64]; 64 do not, and out is wiped. */
	snprintf(big, sizeof(big), "{\"k\":\"%063d\"}", 0);
	T_EQ(str(big, "k"), 0);
	T_EQ(strlen(out), 63);
	snprintf(big, sizeof(big), "{\"k\":\"%064d\"}", 0);
	T_EQ(str(big, "k"), -1);
	T_EQ(out[0], '\0');
	T_EQ(str("{\"k\":\"\\u00e9\"}", "k"), 0);
	/* Nesting past JSON_DEPTH_MAX is refused. */
	strcpy(deep, "{\"k\":");
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		strcat(deep, "[");
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	T_EQ(json_number(deep, strlen(deep), "x", &n), -1);
	/* A long key never matches, but the document is still valid. */
	T_EQ(str("{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	    "kkkkkkkkkkkk\":\"v\",\"k\":\"w\"}", "k"), 0);
	T_STREQ(out, "w");
	/* Not NUL-terminated: only len bytes are read. */
	T_EQ(json_string("{\"k\":\"v\"}garbage", 9, "k", out, sizeof(out)), 0);
}

TEST(numbers)
{
	long n = 0;

	T_EQ(num("{\"e\":\"3600\"}", "e", &n), 0);	/* quoted */
	T_EQ(n, 3600);
	T_EQ(num("{\"e\":0}", "e", &n), 0);
	T_EQ(n, 0);
	T_EQ(num("{\"e\":-5}", "e", &n), -1);
	T_EQ(num("{\"e\":1.5}", "e", &n), -1);
	T_EQ(num("{\"e\":1e3}", "e", &n), -1);
	T_EQ(num("{\"e\":99999999999999999999999}", "e", &n), -1);
	T_EQ(num("{\"e\":\"12a\"}", "e", &n), -1);
	T_EQ(num("{\"e\":null}", "e", &n), -1);
}

TEST_MAIN("t_json", {
	RUN(token_reply);
	RUN(escapes);
	RUN(invalid_documents);
	RUN(first_member_wins);
	RUN(caps);
	RUN(numbers);
})
