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

package io.etcddiscovery.autoconfigure.actuate;

import io.etcddiscovery.actuate.DiscoveryEndpoint;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.ReportedProperty;
import io.etcddiscovery.autoconfigure.cloud.CloudServiceRegistryAutoConfiguration;
import io.etcddiscovery.cloud.EtcdCloudServiceRegistry;
import io.etcddiscovery.health.EtcdHealthIndicator;
import io.etcddiscovery.health.HealthStatusSource;
import io.etcddiscovery.metrics.DiscoveryMetrics;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.StatusPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the health, endpoint, metrics and Spring Cloud service registry
 * auto-configurations.
 *
 * @author etcd-discovery authors
 */
class DiscoveryActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class, DiscoveryHealthAutoConfiguration.class,
				DiscoveryEndpointAutoConfiguration.class, DiscoveryMetricsAutoConfiguration.class,
				CloudServiceRegistryAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void defaultsFollowHealthAndPublishMetrics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EtcdHealthIndicator.class)
				.hasSingleBean(HealthStatusSource.class)
				.hasSingleBean(HealthCheckLoop.class)
				.hasSingleBean(StatusPublisher.class)
				.hasSingleBean(DiscoveryMetrics.class)
				.hasSingleBean(EtcdCloudServiceRegistry.class);
			assertThat(context.getBean(HealthCheckLoop.class).getInterval()).hasMillis(3333);
		});
	}

	@Test
	void endpointNotExposedByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryEndpoint.class));
	}

	@Test
	void endpointExposedOnRequest() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=discovery")
			.run((context) -> assertThat(context).hasSingleBean(DiscoveryEndpoint.class));
	}

	@Test
	void endpointDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=discovery",
					"management.endpoint.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryEndpoint.class));
	}

	@Test
	void etcdHealthIndicatorDisabled() {
		this.contextRunner.withPropertyValues("management.health.etcd.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdHealthIndicator.class)
				.hasSingleBean(HealthStatusSource.class));
	}

	@Test
	void heartbeatCanIgnoreHealth() {
		this.contextRunner.withPropertyValues("discovery.heartbeat.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HealthStatusSource.class)
				.hasSingleBean(HealthCheckLoop.class));
	}

	@Test
	void heartbeatIntervalAndUnknownHealthGroup() {
		this.contextRunner.withPropertyValues("discovery.heartbeat.interval=1s")
			.run((context) -> assertThat(context.getBean(HealthCheckLoop.class).getInterval()).hasSeconds(1));
		this.contextRunner.withPropertyValues("discovery.heartbeat.health-group=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ReportedProperty.of(context.getStartupFailure()).name())
				.isEqualTo("discovery.heartbeat.health-group");
		});
	}

	@Test
	void withoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DiscoveryMetrics.class)
				.hasSingleBean(HealthCheckLoop.class));
	}

	@Test
	void withoutSpringCloud() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ServiceRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EtcdCloudServiceRegistry.class)
				.hasSingleBean(HealthCheckLoop.class));
	}

	@Test
	void withoutActuatorHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EtcdHealthIndicator.class)
				.doesNotHaveBean(HealthStatusSource.class)
				.hasSingleBean(HealthCheckLoop.class));
	}

}
