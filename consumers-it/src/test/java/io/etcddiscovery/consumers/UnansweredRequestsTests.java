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

package io.etcddiscovery.consumers;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcddiscovery.cloud.ConnectFailures;
import io.etcddiscovery.test.FaultySockets;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link ConnectFailures} against what each HTTP client a load-balanced Spring client can
 * stand on (the JDK {@code HttpClient}, {@code HttpURLConnection}, Reactor Netty, Apache
 * HttpClient 5) throws at real loopback sockets: a connection closed or reset before any
 * response byte (a server killed with the request in flight), a partial response, a read
 * timeout. Only what the client reports unambiguously as unanswered is unanswered.
 *
 * @author etcd-discovery authors
 */
class UnansweredRequestsTests {

	private static final FaultySockets sockets = new FaultySockets();

	@AfterAll
	static void closeSockets() throws Exception {
		sockets.close();
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void aRefusedConnectionIsUnanswered(Client client) {
		Throwable failure = client.get(sockets.refusingPort());
		assertThat(ConnectFailures.isConnectFailure(failure)).as(chain(failure)).isTrue();
		assertThat(ConnectFailures.isUnanswered(failure)).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void aConnectionClosedBeforeAnyResponseByteIsUnansweredWhereTheClientSaysSo(Client client) {
		AtomicInteger received = new AtomicInteger();
		Throwable failure = client.get(sockets.closingPort(received));
		assertThat(failure).as("a failure").isNotNull();
		assertThat(received).as("the request reached the server").hasPositiveValue();
		assertThat(ConnectFailures.isConnectFailure(failure)).as(chain(failure)).isFalse();
		// HttpURLConnection says "Unexpected end of file from server" after up to seven
		// bytes as well: not told apart (it sent the GET again itself, once).
		assertThat(ConnectFailures.isClosedBeforeResponse(failure)).as(chain(failure))
			.isEqualTo(client != Client.URL_CONNECTION);
		assertThat(ConnectFailures.describe(failure)).startsWith(client.closedDescription);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void aConnectionResetBeforeAnyResponseByteIsUnansweredOnlyWhereTheClientSaysSo(Client client) {
		AtomicInteger received = new AtomicInteger();
		Throwable failure = client.get(sockets.resettingPort(received));
		assertThat(failure).as("a failure").isNotNull();
		assertThat(received).as("the request reached the server").hasPositiveValue();
		// Only the JDK HttpClient tells a reset before any byte from one after a partial
		// response.
		assertThat(ConnectFailures.isUnanswered(failure)).as(chain(failure)).isEqualTo(client == Client.JDK);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void aConnectionResetBeforeAnyResponseByteIsUnansweredForEveryClientBeforeTheResponsesHead(Client client) {
		// What a load balancer's retry sees: failures before the status and headers.
		AtomicInteger received = new AtomicInteger();
		Throwable failure = client.get(sockets.resettingPort(received));
		assertThat(received).as("the request reached the server").hasPositiveValue();
		assertThat(ConnectFailures.isUnansweredBeforeResponseHead(failure)).as(chain(failure)).isTrue();
	}

	@ParameterizedTest
	@EnumSource(value = Client.class, names = { "JDK", "REACTOR_NETTY", "APACHE" })
	void aPartialResponseIsAnswered(Client client) {
		AtomicInteger received = new AtomicInteger();
		Throwable failure = client.get(sockets.partiallyAnsweringPort(received));
		// (HttpURLConnection takes a status line cut after its first header as a
		// response.)
		assertThat(failure).as("a failure").isNotNull();
		assertThat(ConnectFailures.isUnanswered(failure)).as(chain(failure)).isFalse();
		assertThat(ConnectFailures.isUnansweredBeforeResponseHead(failure)).as(chain(failure)).isFalse();
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void aReadTimeoutIsAnswered(Client client) {
		AtomicInteger received = new AtomicInteger();
		Throwable failure = client.get(sockets.hungPort(received));
		assertThat(failure).as("a failure").isNotNull();
		assertThat(ConnectFailures.isUnanswered(failure)).as(chain(failure)).isFalse();
		assertThat(ConnectFailures.isUnansweredBeforeResponseHead(failure)).as(chain(failure)).isFalse();
		assertThat(received).hasPositiveValue();
	}

	private static String chain(Throwable failure) {
		StringBuilder chain = new StringBuilder();
		for (Throwable current = failure; current != null && chain.length() < 2000; current = current.getCause()) {
			chain.append(current).append(" <- ");
		}
		return chain.toString();
	}

	/**
	 * The HTTP clients, each sending a {@code GET} with a connect timeout of 500 ms and a
	 * read timeout of 500 ms, and returning how it failed.
	 */
	enum Client {

		JDK("IOException: HTTP/1.1 header parser received no bytes") {

			private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
				.connectTimeout(Duration.ofMillis(500))
				.build();

			@Override
			void send(String uri) throws Exception {
				this.client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofMillis(500)).build(),
						HttpResponse.BodyHandlers.ofString());
			}

		},

		URL_CONNECTION("SocketException: Unexpected end of file from server") {

			@Override
			void send(String uri) throws Exception {
				HttpURLConnection connection = (HttpURLConnection) URI.create(uri).toURL().openConnection();
				connection.setConnectTimeout(500);
				connection.setReadTimeout(500);
				connection.getResponseCode();
			}

		},

		REACTOR_NETTY("PrematureCloseException: Connection prematurely closed BEFORE response") {

			private final HttpClient client = HttpClient.create().responseTimeout(Duration.ofMillis(500));

			@Override
			void send(String uri) {
				this.client.get().uri(uri).responseContent().aggregate().asString().block(Duration.ofSeconds(10));
			}

		},

		APACHE("NoHttpResponseException: 127.0.0.1:") {

			private final CloseableHttpClient client = HttpClients.custom()
				.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
					.setDefaultConnectionConfig(ConnectionConfig.custom()
						.setConnectTimeout(Timeout.ofMilliseconds(500))
						.setSocketTimeout(500, TimeUnit.MILLISECONDS)
						.build())
					.build())
				.setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(500)).build())
				.build();

			@Override
			void send(String uri) throws Exception {
				this.client.execute(new HttpGet(uri), (response) -> response.getCode());
			}

		};

		private final String closedDescription;

		Client(String closedDescription) {
			this.closedDescription = closedDescription;
		}

		abstract void send(String uri) throws Exception;

		Throwable get(int port) {
			return catchThrowable(() -> send("http://127.0.0.1:" + port + "/"));
		}

	}

}
