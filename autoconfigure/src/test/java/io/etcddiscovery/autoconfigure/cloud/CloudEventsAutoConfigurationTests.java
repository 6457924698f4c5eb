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

import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.cloud.CloudEventExecutor;
import io.etcddiscovery.cloud.HeartbeatEventPublisher;
import io.etcddiscovery.cloud.InstanceRegisteredEventPublisher;
import io.etcddiscovery.discovery.ServiceCache;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CloudEventsAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class CloudEventsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EtcdClientAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class,
						DiscoveryClientAutoConfiguration.class, CloudEventsAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:9", "spring.application.name=orders",
				"discovery.client.initial-lookup-timeout=100ms");

	@Test
	void defaultsPublishBothEventsOnTheirOwnThread() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(CloudEventExecutor.class)
			.hasSingleBean(HeartbeatEventPublisher.class)
			.hasSingleBean(InstanceRegisteredEventPublisher.class));
	}

	@Test
	void applicationThatOnlyRegistersStillAnnouncesItsRegistration() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceCache.class)
				.doesNotHaveBean(HeartbeatEventPublisher.class)
				.hasSingleBean(InstanceRegisteredEventPublisher.class));
	}

	@Test
	void nothingWithoutRegistrationNorDiscovery() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false", "discovery.register=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudEventExecutor.class)
				.doesNotHaveBean(InstanceRegisteredEventPublisher.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudEventExecutor.class));
	}

	@Test
	void springCloudMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HeartbeatEvent.class))
			.run((context) -> assertThat(context).hasSingleBean(ServiceCache.class)
				.doesNotHaveBean(CloudEventExecutor.class)
				.doesNotHaveBean(HeartbeatEventPublisher.class));
	}

	@Test
	void backsOffToUserBeans() {
		this.contextRunner.withUserConfiguration(UserConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(HeartbeatEventPublisher.class)
				.getBean(HeartbeatEventPublisher.class)
				.isSameAs(context.getBean("userHeartbeatEventPublisher")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfiguration {

		@Bean
		HeartbeatEventPublisher userHeartbeatEventPublisher(ServiceCache cache, CloudEventExecutor executor) {
			return new HeartbeatEventPublisher(cache, executor, java.time.Duration.ofSeconds(1));
		}

	}

}
