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
package io.etcddiscovery.autoconfigure.cloud;

import io.etcddiscovery.cloud.ConnectFailureReactiveRetryPolicy;
import io.etcddiscovery.cloud.ConnectFailureRetryFactory;
import io.etcddiscovery.cloud.ConnectFailureRetryPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.RetryLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerRetryPolicy;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.reactive.RetryableLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.support.RetryTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CloudLoadBalancerRetryAutoConfiguration}, with Spring Cloud
 * LoadBalancer's own auto-configurations, whose retry beans it replaces.
 *
 * @author etcd-discovery authors
 */
class CloudLoadBalancerRetryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudLoadBalancerRetryAutoConfiguration.class,
				org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
				BlockingLoadBalancerClientAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
				ReactorLoadBalancerClientAutoConfiguration.class));

	@Test
	void defaultsRetryConnectFailuresOfIdempotentRequestsForBlockingClients() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LoadBalancedRetryFactory.class)
				.getBean(LoadBalancedRetryFactory.class)
				.isInstanceOf(ConnectFailureRetryFactory.class);
			assertThat(context).hasSingleBean(RetryLoadBalancerInterceptor.class);
			assertThat(context.getBean(LoadBalancedRetryFactory.class).createRetryPolicy("orders", null))
				.isInstanceOf(ConnectFailureRetryPolicy.class);
		});
	}

	@Test
	void webClientRetriesOnlyWithTheRetryPropertySet() {
		// Spring Cloud registers its reactive retry filter only when the property is set,
		// which LoadBalancerRetryEnvironmentPostProcessor does in an application.
		this.contextRunner.run((context) -> assertThat(context.getBean(LoadBalancedExchangeFilterFunction.class))
			.isNotInstanceOf(RetryableLoadBalancerExchangeFilterFunction.class));
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.retry.enabled=true").run((context) -> {
			assertThat(context.getBean(LoadBalancedExchangeFilterFunction.class))
				.isInstanceOf(RetryableLoadBalancerExchangeFilterFunction.class);
			assertThat(context).hasSingleBean(LoadBalancerRetryPolicy.Factory.class);
			assertThat(context.getBean(LoadBalancerRetryPolicy.Factory.class).apply("orders"))
				.isInstanceOf(ConnectFailureReactiveRetryPolicy.class);
		});
	}

	@Test
	void disabledWithSpringCloudsRetryProperty() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.retry.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectFailureRetryFactory.class)
				.doesNotHaveBean(ConnectFailureReactiveRetryPolicy.Factory.class)
				.doesNotHaveBean(RetryLoadBalancerInterceptor.class));
	}

	@Test
	void disabledWithDiscovery() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectFailureRetryFactory.class)
				.doesNotHaveBean(ConnectFailureReactiveRetryPolicy.Factory.class));
		this.contextRunner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectFailureRetryFactory.class));
	}

	@Test
	void backsOffToUserPolicies() {
		this.contextRunner.withUserConfiguration(UserPolicies.class)
			.withPropertyValues("spring.cloud.loadbalancer.retry.enabled=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(LoadBalancedRetryFactory.class)
					.doesNotHaveBean(ConnectFailureRetryFactory.class);
				assertThat(context).hasSingleBean(LoadBalancerRetryPolicy.Factory.class)
					.doesNotHaveBean(ConnectFailureReactiveRetryPolicy.Factory.class);
			});
	}

	@Test
	void blockingRetryNeedsSpringRetry() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryTemplate.class))
			.withPropertyValues("spring.cloud.loadbalancer.retry.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(LoadBalancedRetryFactory.class)
				.hasSingleBean(ConnectFailureReactiveRetryPolicy.Factory.class));
	}

	@Test
	void reactiveRetryNeedsWebClient() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.web.reactive"))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectFailureReactiveRetryPolicy.Factory.class)
				.hasSingleBean(ConnectFailureRetryFactory.class));
	}

	@Test
	void theGatewayFilterNeedsGateway() {
		// Gateway is off this module's test class path (see its pom); consumers-it's
		// GatewayIT shows the filter at work in a real Gateway.
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean("etcdUnansweredRequestGatewayFilter")
			.hasSingleBean(ConnectFailureRetryFactory.class));
	}

	@Test
	void loadBalancerMissing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudLoadBalancerRetryAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.cloud.loadbalancer"))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectFailureRetryFactory.class)
				.doesNotHaveBean(ConnectFailureReactiveRetryPolicy.Factory.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserPolicies {

		@Bean
		LoadBalancedRetryFactory userRetryFactory() {
			return new LoadBalancedRetryFactory() {
			};
		}

		@Bean
		LoadBalancerRetryPolicy.Factory userReactivePolicy() {
			return (service) -> null;
		}

	}

}
