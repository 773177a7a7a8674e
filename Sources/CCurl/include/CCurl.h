// libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are C variadic functions, which
// Swift cannot call; these typed, prefixed wrappers forward to them (the approach of
// swift-corelibs-foundation's CFURLSessionInterface). Each is a one-liner.
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

/// curl_easy_setopt with a `long` argument.
CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value);
/// curl_easy_setopt with a C string argument (libcurl copies it).
CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value);
/// curl_easy_setopt with a pointer argument (a curl_slist, user data).
CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// curl_easy_setopt(CURLOPT_READFUNCTION): function pointers are not data pointers in C.
CURLcode CCurl_setopt_read_function(CURL *handle, size_t (*function)(char *, size_t, size_t, void *));
/// curl_easy_getinfo with a `long *` result.
CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
