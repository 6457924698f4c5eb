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
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcddiscovery.test.FaultySockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link ConnectFailureRetryPolicy} (blocking) and
 * {@link ConnectFailureReactiveRetryPolicy}: a retry only for a connect failure of an
 * idempotent request, with the exceptions a real JDK client threw at real sockets.
 *
 * @author etcd-discovery authors
 */
class ConnectFailureRetryPolicyTests {

	private static final FaultySockets sockets = new FaultySockets();

	private static Throwable refused;

	private static Throwable connectTimeout;

	private static Throwable readTimeout;

	@BeforeAll
	static void failRealRequests() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
		refused = send(http, sockets.refusingPort());
		connectTimeout = send(http, sockets.fullBacklogPort());
		readTimeout = send(http, sockets.hungPort(new AtomicInteger()));
	}

	@AfterAll
	static void closeSockets() throws Exception {
		sockets.close();
	}

	@Test
	void blockingRetriesConnectFailuresOfIdempotentRequestsOnTheNextInstanceOnce() {
		for (HttpMethod method : Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
				HttpMethod.DELETE)) {
			ConnectFailureRetryPolicy policy = new ConnectFailureRetryPolicy(new LoadBalancerProperties());
			LoadBalancedRetryContext context = context(method);
			assertThat(policy.retryableException(refused)).isTrue();
			assertThat(policy.retryableException(connectTimeout)).isTrue();
			policy.registerThrowable(context, refused);
			assertThat(policy.canRetryNextServer(context)).as(method.name()).isTrue();
			assertThat(policy.canRetrySameServer(context)).isFalse();
			// Spring Cloud's default: one other instance, then it gives up.
			policy.registerThrowable(context, refused);
			assertThat(policy.canRetryNextServer(context)).isFalse();
		}
	}

	@Test
	void blockingNeverRetriesAfterTheRequestMayHaveReachedTheServer() {
		ConnectFailureRetryPolicy policy = new ConnectFailureRetryPolicy(new LoadBalancerProperties());
		assertThat(policy.retryableException(readTimeout)).isFalse();
		assertThat(policy.retryableException(new IOException("Connection reset"))).isFalse();
	}

	@Test
	void blockingRetriesAConnectionResetBeforeTheResponsesHead() {
		// The retry surrounds the exchange up to the response's head, so a reset it sees
		// came before any of the answer reached the caller.
		ConnectFailureRetryPolicy policy = new ConnectFailureRetryPolicy(new LoadBalancerProperties());
		assertThat(policy.retryableException(new IOException("GET failed", new SocketException("Connection reset"))))
			.isTrue();
		LoadBalancedRetryContext post = context(HttpMethod.POST);
		policy.registerThrowable(post, new SocketException("Connection reset"));
		assertThat(policy.canRetryNextServer(post)).isFalse();
	}

	@Test
	void blockingNeverRetriesANonIdempotentRequest() {
		for (HttpMethod method : Set.of(HttpMethod.POST, HttpMethod.PATCH)) {
			ConnectFailureRetryPolicy policy = new ConnectFailureRetryPolicy(new LoadBalancerProperties());
			LoadBalancedRetryContext context = context(method);
			policy.registerThrowable(context, refused);
			assertThat(policy.canRetryNextServer(context)).as(method.name()).isFalse();
		}
	}

	@Test
	void springCloudsPropertiesWidenTheRules() {
		LoadBalancerProperties allOperations = new LoadBalancerProperties();
		allOperations.getRetry().setRetryOnAllOperations(true);
		ConnectFailureRetryPolicy policy = new ConnectFailureRetryPolicy(allOperations);
		LoadBalancedRetryContext post = context(HttpMethod.POST);
		policy.registerThrowable(post, refused);
		assertThat(policy.canRetryNextServer(post)).isTrue();
		assertThat(policy.retryableException(readTimeout)).isFalse();
		LoadBalancerProperties exceptions = new LoadBalancerProperties();
		exceptions.getRetry().setRetryableExceptions(new java.util.HashSet<>(Set.of(IOException.class)));
		assertThat(new ConnectFailureRetryPolicy(exceptions).retryableException(readTimeout)).isTrue();
		LoadBalancerProperties allExceptions = new LoadBalancerProperties();
		allExceptions.getRetry().setRetryOnAllExceptions(true);
		assertThat(new ConnectFailureRetryPolicy(allExceptions).retryableException(new IllegalStateException()))
			.isTrue();
	}

	@Test
	void reactiveRetriesConnectFailuresOfIdempotentRequestsOnly() {
		ConnectFailureReactiveRetryPolicy policy = new ConnectFailureReactiveRetryPolicy(new LoadBalancerProperties());
		assertThat(policy.retryableException(webClientFailure(refused, HttpMethod.GET))).isTrue();
		assertThat(policy.retryableException(webClientFailure(connectTimeout, HttpMethod.DELETE))).isTrue();
		assertThat(policy.retryableException(webClientFailure(refused, HttpMethod.POST))).isFalse();
		assertThat(policy.retryableException(webClientFailure(readTimeout, HttpMethod.GET))).isFalse();
		// A WebClientRequestException wraps only failures before the response's head.
		assertThat(policy.retryableException(webClientFailure(new SocketException("Connection reset"), HttpMethod.GET)))
			.isTrue();
		assertThat(
				policy.retryableException(webClientFailure(new SocketException("Connection reset"), HttpMethod.POST)))
			.isFalse();
		// Spring Cloud's filter also asks about the bare cause, whose method is unknown.
		assertThat(policy.retryableException(refused)).isFalse();
		assertThat(policy.canRetryOnMethod(HttpMethod.PUT)).isTrue();
		assertThat(policy.canRetryOnMethod(HttpMethod.POST)).isFalse();
	}

	@Test
	void reactiveKeepsTheMethodRuleWithConfiguredExceptions() {
		LoadBalancerProperties properties = new LoadBalancerProperties();
		properties.getRetry().setRetryableExceptions(new java.util.HashSet<>(Set.of(IOException.class)));
		ConnectFailureReactiveRetryPolicy policy = new ConnectFailureReactiveRetryPolicy(properties);
		assertThat(policy.retryableException(webClientFailure(readTimeout, HttpMethod.GET))).isTrue();
		assertThat(policy.retryableException(webClientFailure(readTimeout, HttpMethod.POST))).isFalse();
	}

	private static LoadBalancedRetryContext context(HttpMethod method) {
		return new LoadBalancedRetryContext(null, new MockClientHttpRequest(method, URI.create("http://orders/")));
	}

	private static WebClientRequestException webClientFailure(Throwable cause, HttpMethod method) {
		return new WebClientRequestException(cause, method, URI.create("http://orders/"), new HttpHeaders());
	}

	private static Throwable send(HttpClient http, int port) {
		return catchThrowable(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
			.timeout(Duration.ofMillis(300))
			.build(), HttpResponse.BodyHandlers.discarding()));
	}

}
