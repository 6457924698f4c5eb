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

import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryClientEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.grpc.EtcdNameResolverProvider;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the gRPC name resolver for targets
 * {@code discovery:///<service>}, registered with gRPC's default
 * {@link NameResolverRegistry} while the application context is open.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = DiscoveryClientAutoConfiguration.class)
@ConditionalOnClass(NameResolverProvider.class)
@ConditionalOnBean(EtcdDiscoveryClient.class)
@ConditionalOnEtcdDiscoveryClientEnabled
public final class GrpcDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdNameResolverProvider etcdNameResolverProvider(EtcdDiscoveryClient etcdDiscoveryClient) {
		return new EtcdNameResolverProvider(etcdDiscoveryClient);
	}

	@Bean
	NameResolverRegistration etcdNameResolverRegistration(EtcdNameResolverProvider etcdNameResolverProvider) {
		return new NameResolverRegistration(etcdNameResolverProvider, NameResolverRegistry.getDefaultRegistry());
	}

	/**
	 * Registers a provider with a registry when the context starts up and deregisters it
	 * when the context closes, so that a closed context leaves no resolver behind.
	 */
	static final class NameResolverRegistration implements InitializingBean, DisposableBean {

		private final NameResolverProvider provider;

		private final NameResolverRegistry registry;

		NameResolverRegistration(NameResolverProvider provider, NameResolverRegistry registry) {
			this.provider = provider;
			this.registry = registry;
		}

		@Override
		public void afterPropertiesSet() {
			this.registry.register(this.provider);
		}

		@Override
		public void destroy() {
			this.registry.deregister(this.provider);
		}

	}

}
