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

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.RetryableStatusCodeException;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryPolicy;
import org.springframework.util.Assert;

/**
 * The retry policy of the blocking load-balanced clients ({@code @LoadBalanced}
 * {@code RestClient} and {@code RestTemplate}, OpenFeign) with this library: a request is
 * sent again, to another instance, only if the one it was sent to never answered it (a
 * {@linkplain ConnectFailures#isConnectFailure connect failure}, or its connection
 * {@linkplain ConnectFailures#isUnansweredBeforeResponseHead closed or reset before the
 * response's head}, as when the instance is killed while the request is in flight) and
 * its method is {@linkplain IdempotentMethods idempotent}. A read timeout, a partial
 * response or a response is never retried, nor is a POST.
 * <p>
 * Everything else is Spring Cloud LoadBalancer's {@link BlockingLoadBalancedRetryPolicy}
 * and its {@code spring.cloud.loadbalancer.retry.*} properties: how many other instances
 * are tried ({@code max-retries-on-next-service-instance}, 1 by default, so a request is
 * sent at most twice), retries on the same instance (none by default), retries on status
 * codes ({@code retryable-status-codes}, none by default). Two properties widen the
 * rules, as in Spring Cloud: {@code retry-on-all-operations=true} retries every method,
 * and {@code retryable-exceptions} or {@code retry-on-all-exceptions=true}, once set,
 * replace the connect-failure rule with Spring Cloud's own.
 *
 * @author etcd-discovery authors
 */
public class ConnectFailureRetryPolicy extends BlockingLoadBalancedRetryPolicy {

	private static final Set<Class<? extends Throwable>> SPRING_CLOUD_DEFAULT_EXCEPTIONS = new LoadBalancerProperties()
		.getRetry()
		.getRetryableExceptions();

	private final LoadBalancerProperties.Retry retry;

	private final boolean exceptionsConfigured;

	/**
	 * Create a new policy for one request.
	 * @param properties the load balancer properties of the service called
	 */
	public ConnectFailureRetryPolicy(LoadBalancerProperties properties) {
		super(properties);
		Assert.notNull(properties, "'properties' must not be null");
		this.retry = properties.getRetry();
		this.exceptionsConfigured = exceptionsConfigured(this.retry);
	}

	/**
	 * Whether Spring Cloud's exception rules were configured
	 * ({@code retryable-exceptions} other than Spring Cloud's default, or
	 * {@code retry-on-all-exceptions=true}), which then replace the connect-failure rule.
	 * @param retry the retry properties
	 * @return whether they were
	 */
	static boolean exceptionsConfigured(LoadBalancerProperties.Retry retry) {
		return retry.isRetryOnAllExceptions()
				|| !SPRING_CLOUD_DEFAULT_EXCEPTIONS.equals(retry.getRetryableExceptions());
	}

	@Override
	public boolean canRetry(LoadBalancedRetryContext context) {
		return this.retry.isRetryOnAllOperations() || IdempotentMethods.isIdempotent(context.getRequest().getMethod());
	}

	@Override
	public boolean retryableException(@Nullable Throwable throwable) {
		if (throwable == null || throwable instanceof RetryableStatusCodeException) {
			// Before the first attempt, and a configured retryable status code (whose
			// method canRetry checks).
			return true;
		}
		// The retry surrounds the exchange up to the response's head: see
		// ConnectFailures.isUnansweredBeforeResponseHead.
		return this.exceptionsConfigured ? super.retryableException(throwable)
				: ConnectFailures.isUnansweredBeforeResponseHead(throwable);
	}

}
