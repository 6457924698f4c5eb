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
package io.etcddiscovery.cloud;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcddiscovery.test.FaultySockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link ConnectFailures} against the exceptions real HTTP clients (the JDK's
 * {@code HttpClient} and {@code HttpURLConnection}) throw at real loopback sockets: a
 * refused connection and a connect timeout never reached the server, a read timeout did.
 *
 * @author etcd-discovery authors
 */
class ConnectFailuresTests {

	private static final FaultySockets sockets = new FaultySockets();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();

	@AfterAll
	static void closeSockets() throws Exception {
		sockets.close();
	}

	@Test
	void refusedConnectionIsAConnectFailureForBothJdkClients() {
		int port = sockets.refusingPort();
		Throwable jdk = jdkGet(port);
		assertThat(ConnectFailures.isConnectFailure(jdk)).as(chain(jdk)).isTrue();
		assertThat(ConnectFailures.describe(jdk)).startsWith("ConnectException");
		Throwable urlConnection = urlConnectionGet(port);
		assertThat(ConnectFailures.isConnectFailure(urlConnection)).as(chain(urlConnection)).isTrue();
		assertThat(ConnectFailures.describe(urlConnection)).isEqualTo("ConnectException: Connection refused");
	}

	@Test
	void connectTimeoutIsAConnectFailureForBothJdkClients() {
		int port = sockets.fullBacklogPort();
		Throwable jdk = jdkGet(port);
		assertThat(jdk).isInstanceOf(java.net.http.HttpConnectTimeoutException.class);
		assertThat(ConnectFailures.isConnectFailure(jdk)).isTrue();
		assertThat(ConnectFailures.describe(jdk)).isEqualTo("HttpConnectTimeoutException: HTTP connect timed out");
		Throwable urlConnection = urlConnectionGet(port);
		assertThat(urlConnection).isInstanceOf(java.net.SocketTimeoutException.class);
		assertThat(ConnectFailures.isConnectFailure(urlConnection)).as(chain(urlConnection)).isTrue();
	}

	@Test
	void readTimeoutIsNotAConnectFailure() {
		AtomicInteger received = new AtomicInteger();
		int port = sockets.hungPort(received);
		Throwable jdk = catchThrowable(
				() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
					.timeout(Duration.ofMillis(300))
					.build(), HttpResponse.BodyHandlers.discarding()));
		assertThat(jdk).isInstanceOf(java.net.http.HttpTimeoutException.class);
		assertThat(ConnectFailures.isConnectFailure(jdk)).as(chain(jdk)).isFalse();
		Throwable urlConnection = urlConnectionGet(port);
		assertThat(urlConnection).isInstanceOf(java.net.SocketTimeoutException.class).hasMessage("Read timed out");
		assertThat(ConnectFailures.isConnectFailure(urlConnection)).isFalse();
		// Both requests reached the server.
		assertThat(received).hasValue(2);
	}

	@Test
	void aConnectionResetIsBrokenButNotUnansweredOnItsOwn() {
		AtomicInteger received = new AtomicInteger();
		int port = sockets.resettingPort(received);
		Throwable jdk = jdkGet(port);
		assertThat(ConnectFailures.isConnectionBroken(jdk)).as(chain(jdk)).isTrue();
		Throwable urlConnection = urlConnectionGet(port);
		assertThat(ConnectFailures.isConnectionBroken(urlConnection)).as(chain(urlConnection)).isTrue();
		assertThat(ConnectFailures.isConnectFailure(urlConnection)).isFalse();
		// HttpURLConnection's reset says nothing of response bytes.
		assertThat(ConnectFailures.isUnanswered(urlConnection)).isFalse();
		assertThat(received).hasPositiveValue();
	}

	@Test
	void aReadTimeoutIsNoBrokenConnection() {
		int port = sockets.hungPort(new AtomicInteger());
		Throwable urlConnection = urlConnectionGet(port);
		assertThat(urlConnection).isInstanceOf(java.net.SocketTimeoutException.class);
		assertThat(ConnectFailures.isConnectionBroken(urlConnection)).isFalse();
		assertThat(ConnectFailures.isConnectionBroken(null)).isFalse();
		assertThat(ConnectFailures.isConnectionBroken(new IOException("Connection reset"))).isFalse();
	}

	@Test
	void noFailureIsNoConnectFailure() {
		assertThat(ConnectFailures.isConnectFailure(null)).isFalse();
		assertThat(ConnectFailures.isConnectFailure(new IOException("Connection reset"))).isFalse();
	}

	private static Throwable jdkGet(int port) {
		return catchThrowable(
				() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
						HttpResponse.BodyHandlers.discarding()));
	}

	private static Throwable urlConnectionGet(int port) {
		return catchThrowable(() -> {
			HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/")
				.toURL()
				.openConnection();
			connection.setConnectTimeout(300);
			connection.setReadTimeout(300);
			connection.getResponseCode();
		});
	}

	private static String chain(Throwable failure) {
		StringBuilder chain = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			chain.append(current).append(" <- ");
		}
		return chain.toString();
	}

}
