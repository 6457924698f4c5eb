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

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.cloud.DrainAwareServiceInstanceListSupplier;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.cloud.EjectingLoadBalancerLifecycle;
import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.cloud.EtcdDiscoveryHealthIndicator;
import io.etcddiscovery.cloud.EjectionAwareServiceInstanceListSupplier;
import io.etcddiscovery.cloud.EtcdReactiveDiscoveryClient;
import io.etcddiscovery.cloud.EtcdServiceInstanceListSupplier;
import io.etcddiscovery.cloud.WarmUpServiceInstanceListSupplier;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RetryAwareServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CloudDiscoveryAutoConfiguration} and
 * {@link CloudLoadBalancerAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class CloudDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EtcdClientAutoConfiguration.class, DiscoveryClientAutoConfiguration.class,
						CloudDiscoveryAutoConfiguration.class, CloudLoadBalancerAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:9",
				"discovery.client.initial-lookup-timeout=100ms");

	@Test
	void defaultsCreateABlockingClientAndTheLoadBalancerConfiguration() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EtcdCloudDiscoveryClient.class);
			assertThat(context.getBean(EtcdCloudDiscoveryClient.class).description())
				.isEqualTo("etcd Discovery Client (/services/default/)");
			assertThat(context.getBeansOfType(LoadBalancerClientSpecification.class).values())
				.anySatisfy((specification) -> assertThat(specification.getConfiguration())
					.containsExactly(EtcdLoadBalancerClientConfiguration.class));
		});
	}

	@Test
	void orderOfBothClientsIsAProperty() {
		this.contextRunner.withPropertyValues("discovery.client.order=-5")
			.run((context) -> assertThat(context.getBean(EtcdCloudDiscoveryClient.class).getOrder()).isEqualTo(-5));
		this.contextRunner.run((context) -> assertThat(context.getBean(EtcdCloudDiscoveryClient.class).getOrder())
			.isEqualTo(DiscoveryClient.DEFAULT_ORDER));
	}

	@Test
	void discoveryHealthIndicatorJoinsSpringCloudsComposite() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EtcdDiscoveryHealthIndicator.class)
			.getBean(EtcdDiscoveryHealthIndicator.class)
			.extracting(EtcdDiscoveryHealthIndicator::getName)
			.isEqualTo("etcd"));
		this.contextRunner.withPropertyValues("spring.cloud.discovery.client.health-indicator.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdDiscoveryHealthIndicator.class)
				.hasSingleBean(EtcdCloudDiscoveryClient.class));
	}

	@Test
	void blockingClientJoinsSpringCloudsCompositeClient() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class))
			.run((context) -> {
				assertThat(context.getBean(DiscoveryClient.class)).isInstanceOf(CompositeDiscoveryClient.class);
				assertThat(((CompositeDiscoveryClient) context.getBean(DiscoveryClient.class)).getDiscoveryClients())
					.hasAtLeastOneElementOfType(EtcdCloudDiscoveryClient.class);
			});
	}

	@Test
	void reactiveClientNeedsWebClientLikeSpringCloudsOwn() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EtcdReactiveDiscoveryClient.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.web.reactive"))
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.hasSingleBean(EtcdCloudDiscoveryClient.class));
	}

	@Test
	void instancesThatRefuseConnectionsAreEjectedByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EjectedInstances.class)
				.hasSingleBean(EjectingLoadBalancerLifecycle.class);
			assertThat(context.getBeansOfType(LoadBalancerLifecycle.class).values())
				.containsExactly(context.getBean(EjectingLoadBalancerLifecycle.class));
		});
	}

	@Test
	void ejectionDisabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.client.ejection.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EjectedInstances.class)
				.doesNotHaveBean(EjectingLoadBalancerLifecycle.class)
				.hasSingleBean(EtcdCloudDiscoveryClient.class));
	}

	@Test
	void ejectionBacksOffToAUserBean() {
		this.contextRunner.withUserConfiguration(UserEjectionConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(EjectedInstances.class)
				.getBean(EjectedInstances.class)
				.isSameAs(context.getBean("userEjectedInstances")));
	}

	@Test
	void ejectionThreadEndsWithTheContext() {
		this.contextRunner.run((context) -> {
			// The probing thread starts with the first ejection.
			assertThat(threads()).doesNotContain(EjectedInstances.THREAD_NAME_PREFIX + "1");
			context.getBean(EjectedInstances.class)
				.eject("orders", "o1", "127.0.0.1", 9, new java.net.ConnectException("Connection refused"));
			assertThat(threads()).contains(EjectedInstances.THREAD_NAME_PREFIX + "1");
		});
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(threads()).doesNotContain(EjectedInstances.THREAD_NAME_PREFIX + "1"));
	}

	@Test
	void warmUpSupplierIsInTheLoadBalancersChainOnlyWhenSet() {
		ApplicationContextRunner withLoadBalancer = this.contextRunner
			.withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class));
		// Spring Cloud's retry awareness outermost: Spring Retry is on the class path.
		withLoadBalancer
			.run((context) -> assertThat(chain(context)).containsExactly(RetryAwareServiceInstanceListSupplier.class,
					EjectionAwareServiceInstanceListSupplier.class, DrainAwareServiceInstanceListSupplier.class,
					EtcdServiceInstanceListSupplier.class));
		withLoadBalancer.withPropertyValues("discovery.client.warm-up=0s")
			.run((context) -> assertThat(chain(context)).doesNotContain(WarmUpServiceInstanceListSupplier.class));
		withLoadBalancer.withPropertyValues("discovery.client.warm-up=30s")
			.run((context) -> assertThat(chain(context)).containsExactly(RetryAwareServiceInstanceListSupplier.class,
					WarmUpServiceInstanceListSupplier.class, EjectionAwareServiceInstanceListSupplier.class,
					DrainAwareServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class));
	}

	// The types of the supplier of a service and of the suppliers it delegates to,
	// outermost first.
	private static List<Class<?>> chain(ApplicationContext context) {
		List<Class<?>> chain = new ArrayList<>();
		ServiceInstanceListSupplier current = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("orders", ServiceInstanceListSupplier.class);
		while (current != null) {
			chain.add(current.getClass());
			current = (current instanceof DelegatingServiceInstanceListSupplier delegating) ? delegating.getDelegate()
					: null;
		}
		return chain;
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdCloudDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.doesNotHaveBean(LoadBalancerClientSpecification.class));
	}

	@Test
	void disabledWithSpringCloudDiscovery() {
		this.contextRunner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdCloudDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class)
				.doesNotHaveBean(LoadBalancerClientSpecification.class));
	}

	@Test
	void blockingClientDisabledByProperty() {
		this.contextRunner.withPropertyValues("spring.cloud.discovery.blocking.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EtcdDiscoveryClient.class)
				.doesNotHaveBean(EtcdCloudDiscoveryClient.class));
	}

	@Test
	void loadBalancerDisabledByProperty() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EtcdCloudDiscoveryClient.class)
				.doesNotHaveBean(LoadBalancerClientSpecification.class));
	}

	@Test
	void backsOffToUserBeans() {
		this.contextRunner.withUserConfiguration(UserConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(EtcdCloudDiscoveryClient.class)
				.getBean(EtcdCloudDiscoveryClient.class)
				.isSameAs(context.getBean("userCloudDiscoveryClient")));
	}

	@Test
	void springCloudMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
			.run((context) -> assertThat(context).hasSingleBean(ServiceCache.class)
				.doesNotHaveBean(EtcdCloudDiscoveryClient.class)
				.doesNotHaveBean(EtcdReactiveDiscoveryClient.class));
	}

	@Test
	void loadBalancerMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ServiceInstanceListSupplier.class))
			.run((context) -> assertThat(context).hasSingleBean(EtcdCloudDiscoveryClient.class)
				.doesNotHaveBean(LoadBalancerClientSpecification.class));
	}

	private static java.util.List<String> threads() {
		return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEjectionConfiguration {

		@Bean(destroyMethod = "close")
		EjectedInstances userEjectedInstances(ServiceCache serviceCache) {
			return new EjectedInstances(serviceCache, Duration.ofSeconds(5), Clock.systemUTC(),
					new SimpleAsyncTaskScheduler());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfiguration {

		@Bean
		EtcdCloudDiscoveryClient userCloudDiscoveryClient(EtcdDiscoveryClient discovery) {
			return new EtcdCloudDiscoveryClient(discovery, 42);
		}

	}

}
