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

package io.etcddiscovery.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheLifecycle;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.registration.InstanceLifecycle;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryClientAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class DiscoveryClientAutoConfigurationTests {

	// Nothing listens on port 9: the cache retries in the background and never blocks.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EtcdClientAutoConfiguration.class, DiscoveryClientAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:9",
				"discovery.client.initial-lookup-timeout=100ms");

	@Test
	void defaultsCreateAStartedCacheOfTheDefaultNamespaceAndAClientOfUpInstances() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ServiceCache.class)
				.hasSingleBean(ServiceCacheLifecycle.class)
				.hasSingleBean(EtcdDiscoveryClient.class);
			assertThat(context.getBean(ServiceCache.class).getPrefix()).isEqualTo("/services/default/");
			assertThat(context.getBean(ServiceCacheLifecycle.class).isRunning()).isTrue();
			EtcdDiscoveryClient client = context.getBean(EtcdDiscoveryClient.class);
			assertThat(client.isOnlyUp()).isTrue();
			assertThat(client.instances("orders")).isEmpty();
			DiscoveryClientProperties properties = context.getBean(DiscoveryClientProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.isOnlyUp()).isTrue();
			assertThat(context.getBean(ServiceCache.class).protection().enabled()).isTrue();
			assertThat(properties.getProtection().getThreshold()).isEqualTo(0.5);
			assertThat(properties.getProtection().getWindow()).hasSeconds(30);
			assertThat(properties.getProtection().getMaxHold()).hasMinutes(5);
		});
	}

	@Test
	void protectionAgainstMassRemovalSwitchedOffByProperty() {
		this.contextRunner.withPropertyValues("discovery.client.protection.enabled=false")
			.run((context) -> assertThat(context.getBean(ServiceCache.class).protection().enabled()).isFalse());
	}

	@Test
	void warmUpOnlyWhenSet() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(WarmUp.class);
			assertThat(context.getBean(DiscoveryClientProperties.class).getWarmUp()).isZero();
		});
		this.contextRunner.withPropertyValues("discovery.client.warm-up=0s")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WarmUp.class));
		this.contextRunner.withPropertyValues("discovery.client.warm-up=90s")
			.run((context) -> assertThat(context).getBean(WarmUp.class)
				.extracting(WarmUp::getDuration)
				.isEqualTo(Duration.ofSeconds(90)));
	}

	@Test
	void warmUpBacksOffToAUserBean() {
		WarmUp userWarmUp = new WarmUp(Duration.ofSeconds(5), (key) -> OptionalLong.empty(), System::nanoTime);
		this.contextRunner.withPropertyValues("discovery.client.warm-up=90s")
			.withBean("userWarmUp", WarmUp.class, () -> userWarmUp)
			.run((context) -> assertThat(context).getBean(WarmUp.class).isSameAs(userWarmUp));
	}

	@Test
	void cacheFollowsTheKeyPrefixAndNamespace() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.key-prefix=/apps", "discovery.namespace=prod",
					"discovery.client.only-up=false")
			.run((context) -> {
				assertThat(context.getBean(ServiceCache.class).getPrefix()).isEqualTo("/apps/prod/");
				assertThat(context.getBean(EtcdDiscoveryClient.class).isOnlyUp()).isFalse();
			});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Client.class)
				.doesNotHaveBean(ServiceCache.class)
				.doesNotHaveBean(EtcdDiscoveryClient.class));
	}

	@Test
	void disabledWithAllOfDiscovery() {
		this.contextRunner.withPropertyValues("discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceCache.class)
				.doesNotHaveBean(EtcdDiscoveryClient.class));
	}

	@Test
	void backsOffToUserBeans() {
		this.contextRunner.withUserConfiguration(UserConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ServiceCache.class).hasSingleBean(EtcdDiscoveryClient.class);
			assertThat(context.getBean(ServiceCache.class).getPrefix()).isEqualTo("/custom/");
			assertThat(context.getBean(EtcdDiscoveryClient.class)).isSameAs(context.getBean("userDiscoveryClient"));
		});
	}

	@Test
	void jetcdMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Client.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceCache.class));
	}

	@Test
	void cacheStopsAfterTheWebServerAndRegistration() {
		assertThat(ServiceCacheLifecycle.PHASE).isLessThan(InstanceLifecycle.PHASE)
			.isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE)
			.isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
	}

	@Test
	void closingTheContextEndsTheCacheThreadsAtOnce() {
		this.contextRunner.run((context) -> {
			ServiceCache cache = context.getBean(ServiceCache.class);
			assertThat(cache.services()).isEmpty();
			long started = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfiguration {

		@Bean
		ServiceCache userCache(Client client,
				@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler scheduler) {
			return new ServiceCache(client, "/custom/", Duration.ofSeconds(1), Duration.ofMillis(100),
					new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1), Clock.systemUTC(), scheduler);
		}

		@Bean
		EtcdDiscoveryClient userDiscoveryClient(ServiceCache cache) {
			return new EtcdDiscoveryClient(cache, false);
		}

	}

}
