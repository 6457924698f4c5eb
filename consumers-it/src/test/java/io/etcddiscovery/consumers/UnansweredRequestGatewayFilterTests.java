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

import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.etcddiscovery.cloud.UnansweredRequestException;
import io.etcddiscovery.cloud.UnansweredRequestGatewayFilter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link UnansweredRequestGatewayFilter} on the failures Gateway's routing filter reports
 * (here, Gateway is on the class path): a connection reset before the instance's response
 * began is unanswered; a reset after it began, or a timeout, passes unchanged. A
 * connection closed before the response is {@code UnansweredRequestsTests}' and
 * {@code GatewayIT}'s.
 *
 * @author etcd-discovery authors
 */
class UnansweredRequestGatewayFilterTests {

	private final UnansweredRequestGatewayFilter filter = new UnansweredRequestGatewayFilter();

	@Test
	void aResetBeforeTheResponseIsUnanswered() {
		SocketException reset = new SocketException("Connection reset");
		assertThat(failure(exchange(), reset)).isInstanceOf(UnansweredRequestException.class).hasCause(reset);
		// Netty's epoll transport (its native library loaded first, as Reactor Netty
		// does).
		Epoll.ensureAvailability();
		Errors.NativeIoException epollReset = new Errors.NativeIoException("recvAddress(..)", -104);
		assertThat(failure(exchange(), epollReset)).isInstanceOf(UnansweredRequestException.class).hasCause(epollReset);
	}

	@Test
	void aResetAfterTheResponseBeganPassesUnchanged() {
		ServerWebExchange exchange = exchange();
		// What Gateway's routing filter keeps once the status and headers arrived.
		exchange.getAttributes().put(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR, new Object());
		SocketException reset = new SocketException("Connection reset");
		assertThat(failure(exchange, reset)).isSameAs(reset);
	}

	@Test
	void aConnectFailurePassesUnchanged() {
		ConnectException refused = new ConnectException("Connection refused");
		assertThat(failure(exchange(), refused)).isSameAs(refused);
	}

	@Test
	void aTimeoutPassesUnchanged() {
		TimeoutException timeout = new TimeoutException("Response took longer than timeout: PT1S");
		assertThat(failure(exchange(), timeout)).isSameAs(timeout);
	}

	private Throwable failure(ServerWebExchange exchange, Throwable routingFailure) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		this.filter.filter(exchange, (routed) -> Mono.error(routingFailure)).onErrorResume((error) -> {
			failure.set(error);
			return Mono.empty();
		}).block();
		return failure.get();
	}

	private static ServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/orders/"));
	}

}
