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

import io.etcd.jetcd.Client;
import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryEnabled;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdConnectionDetails;
import io.etcddiscovery.autoconfigure.EtcdProperties;
import io.etcddiscovery.autoconfigure.EtcdTimeouts;
import io.etcddiscovery.autoconfigure.RegistrationProperties;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.StatusSource;
import io.etcddiscovery.health.EtcdHealthIndicator;
import io.etcddiscovery.health.HealthStatusSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of health in and out: the {@code etcd} health indicator, and the
 * actuator health that feeds this instance's published status.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
		HealthEndpointAutoConfiguration.class })
@ConditionalOnClass({ Client.class, HealthIndicator.class })
@ConditionalOnEtcdDiscoveryEnabled
@EnableConfigurationProperties({ RegistrationProperties.class, EtcdProperties.class })
public final class DiscoveryHealthAutoConfiguration {

	@Bean
	@ConditionalOnBean(Client.class)
	@ConditionalOnMissingBean(name = "etcdHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("etcd")
	EtcdHealthIndicator etcdHealthIndicator(Client etcdClient, EtcdConnectionDetails connectionDetails,
			KeyLayout keyLayout, RegistrationProperties properties, EtcdProperties etcd) {
		// The namespace's prefix: the least-privilege role lets the application read it.
		return new EtcdHealthIndicator(etcdClient, connectionDetails.getEndpoints(),
				keyLayout.namespacePrefix(properties.getNamespace()),
				EtcdTimeouts.requestTimeout(etcd, properties.getTtl()));
	}

	@Bean
	@ConditionalOnBean(HealthContributorRegistry.class)
	@ConditionalOnMissingBean(StatusSource.class)
	@ConditionalOnBooleanProperty(name = "discovery.heartbeat.enabled", matchIfMissing = true)
	HealthStatusSource healthStatusSource(HealthContributorRegistry healthContributorRegistry,
			ObjectProvider<HealthEndpointGroups> healthEndpointGroups, RegistrationProperties properties) {
		String group = properties.getHeartbeat().getHealthGroup();
		HealthEndpointGroups groups = healthEndpointGroups.getIfAvailable();
		if (group != null && (groups == null || groups.get(group) == null)) {
			throw new InvalidConfigurationPropertyValueException("discovery.heartbeat.health-group", group,
					"no health group with that name is configured: define it under 'management.endpoint.health.group.%s.include', or correct 'discovery.heartbeat.health-group'"
						.formatted(group));
		}
		return new HealthStatusSource(healthContributorRegistry, groups, group);
	}

}
