/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * Talks to etcd's HTTP endpoints: {@code /health} and the v3 JSON gateway, over HTTP or,
 * for a member that serves TLS, over HTTPS with the test's certificates. Keeps the module
 * free of a gRPC client and of a JSON library; the few fields it reads are flat scalars.
 *
 * @author etcd-discovery authors
 */
final class EtcdGateway {

	static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static final Pattern HEALTHY = Pattern.compile("\"health\"\\s*:\\s*\"true\"");

	private static final EtcdGateway PLAIN = new EtcdGateway(null);

	private final HttpClient httpClient;

	private EtcdGateway(@Nullable SSLContext sslContext) {
		// HTTP/1.1 only: etcd serves gRPC and HTTP on one port and an h2c upgrade attempt
		// gains nothing here.
		HttpClient.Builder builder = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(1));
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		this.httpClient = builder.build();
	}

	/**
	 * Return the gateway client for members that serve plain HTTP.
	 * @return the gateway client
	 */
	static EtcdGateway plain() {
		return PLAIN;
	}

	/**
	 * Return a gateway client for members that serve TLS with {@code certificates}: it
	 * trusts their authority and presents their client certificate.
	 * @param certificates the certificates
	 * @return the gateway client
	 */
	static EtcdGateway tls(EtcdCertificates certificates) {
		return new EtcdGateway(certificates.clientSslContext());
	}

	/**
	 * Return whether the member at {@code endpoint} answers {@code GET /health} with
	 * {@code {"health":"true"}} within {@link #HEALTH_TIMEOUT}.
	 * @param endpoint the client URL of the member
	 * @return whether the member is healthy
	 */
	boolean isHealthy(String endpoint) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
			.timeout(HEALTH_TIMEOUT)
			.GET()
			.build();
		try {
			HttpResponse<String> response = send(request);
			return response.statusCode() == 200 && HEALTHY.matcher(response.body()).find();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Post a JSON body to a v3 gateway path, for example {@code /v3/kv/range}.
	 * @param endpoint the client URL of the member
	 * @param path the gateway path
	 * @param json the request body
	 * @return the response body
	 * @throws IOException if the member cannot be reached or does not answer in time
	 * @throws ErrorResponseException if etcd answers with an error
	 */
	String post(String endpoint, String path, String json) throws IOException {
		return post(endpoint, path, json, null);
	}

	/**
	 * Post a JSON body to a v3 gateway path with an authentication token.
	 * @param endpoint the client URL of the member
	 * @param path the gateway path
	 * @param json the request body
	 * @param token the token from {@code /v3/auth/authenticate}, or {@code null}
	 * @return the response body
	 * @throws IOException if the member cannot be reached or does not answer in time
	 * @throws ErrorResponseException if etcd answers with an error
	 */
	String post(String endpoint, String path, String json, @Nullable String token) throws IOException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json, StandardCharsets.UTF_8));
		if (token != null) {
			request.header("Authorization", token);
		}
		HttpResponse<String> response = send(request.build());
		if (response.statusCode() / 100 != 2) {
			throw new ErrorResponseException(endpoint + path, response.statusCode(), response.body());
		}
		return response.body();
	}

	/**
	 * Return the first scalar value of the field called {@code name}, quoted or not. The
	 * gateway encodes 64-bit integers as strings, so ids and revisions come back quoted.
	 * @param json the JSON document
	 * @param name the field name
	 * @return the value or {@code null} if the field is absent
	 */
	static @Nullable String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"?([^\",}\\s]*)").matcher(json);
		return matcher.find() ? matcher.group(1) : null;
	}

	/**
	 * Quote a string as a JSON string literal.
	 * @param value the string
	 * @return the literal, with quotes
	 */
	static String quote(String value) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException {
		try {
			return this.httpClient.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while calling " + request.uri(), ex);
		}
	}

	/**
	 * Thrown when etcd answers a gateway request with an error status.
	 */
	static final class ErrorResponseException extends IllegalStateException {

		private final int status;

		private final String body;

		ErrorResponseException(String url, int status, String body) {
			super("etcd answered " + status + " to " + url + ": " + body);
			this.status = status;
			this.body = body;
		}

		int status() {
			return this.status;
		}

		String body() {
			return this.body;
		}

	}

}
