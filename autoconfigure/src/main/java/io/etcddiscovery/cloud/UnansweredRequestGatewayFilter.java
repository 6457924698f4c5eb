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

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * A Spring Cloud Gateway {@link GlobalFilter}, right before the one that sends a request
 * to its instance, that reports a connection closed or reset before any byte of the
 * answer (the fate of a request in flight when its instance is killed) as an
 * {@link UnansweredRequestException}, its cause the client's own exception. Reactor Netty
 * reports such a connection with the same type as one closed half-way through the answer,
 * and Gateway's {@code Retry} filter tells failures apart by type only: with this type in
 * its {@code exceptions} it retries the first and never the second. Every other failure
 * passes unchanged.
 * <p>
 * A connection closed before the answer is told by Reactor Netty itself
 * ({@link ConnectFailures#isClosedBeforeResponse}). A reset connection
 * ({@link ConnectFailures#isConnectionBroken}) is not, so the exchange tells: Gateway
 * keeps the instance's response in the exchange as soon as its status and headers arrive,
 * and the body is written by a filter outside this one, so a reset that reaches this
 * filter with no response in the exchange came before the status and headers were
 * complete: before any byte of the answer, or (harmless, since nothing of it reached
 * Gateway's client) within its status line and headers.
 *
 * @author etcd-discovery authors
 */
public class UnansweredRequestGatewayFilter implements GlobalFilter, Ordered {

	/**
	 * The order of this filter: right before Gateway's {@link NettyRoutingFilter}.
	 */
	public static final int ORDER = NettyRoutingFilter.ORDER - 1;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return chain.filter(exchange)
			.onErrorMap((failure) -> isUnanswered(failure, exchange), UnansweredRequestException::new);
	}

	private static boolean isUnanswered(Throwable failure, ServerWebExchange exchange) {
		if (ConnectFailures.isClosedBeforeResponse(failure)) {
			return true;
		}
		// A connect failure passes unchanged, as before: the documented Retry filter
		// lists ConnectException itself.
		return ConnectFailures.isConnectionBroken(failure) && !ConnectFailures.isConnectFailure(failure)
				&& exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR) == null;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
