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

package io.etcddiscovery.autoconfigure.grpc;

import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.grpc.EtcdNameResolverProvider;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GrpcDiscoveryAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class GrpcDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class,
				DiscoveryClientAutoConfiguration.class, GrpcDiscoveryAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:9",
				"discovery.client.initial-lookup-timeout=100ms");

	@Test
	void providerIsRegisteredWhileTheContextIsOpen() {
		NameResolverRegistry registry = NameResolverRegistry.getDefaultRegistry();
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EtcdNameResolverProvider.class);
			assertThat(registry.getProviderForScheme("discovery"))
				.isSameAs(context.getBean(EtcdNameResolverProvider.class));
			context.close();
			assertThat(registry.getProviderForScheme("discovery")).isNull();
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EtcdNameResolverProvider.class));
	}

	@Test
	void backsOffToAUserProvider() {
		this.contextRunner.withUserConfiguration(UserConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(EtcdNameResolverProvider.class)
				.getBean(EtcdNameResolverProvider.class)
				.isSameAs(context.getBean("userProvider")));
	}

	@Test
	void grpcMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(NameResolverProvider.class))
			.run((context) -> assertThat(context).hasSingleBean(ServiceCache.class)
				.doesNotHaveBean(EtcdNameResolverProvider.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfiguration {

		@Bean
		EtcdNameResolverProvider userProvider(EtcdDiscoveryClient discovery) {
			return new EtcdNameResolverProvider(discovery);
		}

	}

}
