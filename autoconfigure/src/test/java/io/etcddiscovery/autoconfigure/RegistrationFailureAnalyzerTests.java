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

import java.util.List;

import io.etcddiscovery.registration.InstanceIdConflictException;
import io.etcddiscovery.registration.RegistrationException;
import io.etcddiscovery.registration.RegistrationStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RegistrationFailureAnalyzer}: the report names the endpoints the
 * registration was made against, which the exception carries from the
 * {@link RegistrationStore}, whether they came from properties or from an
 * {@link EtcdConnectionDetails} bean.
 *
 * @author etcd-discovery authors
 */
class RegistrationFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EtcdClientAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders", "discovery.etcd.endpoints=http://127.0.0.1:2379");

	private final RegistrationFailureAnalyzer analyzer = new RegistrationFailureAnalyzer();

	@Test
	void namesTheEndpointsTheExceptionCarries() {
		FailureAnalysis analysis = this.analyzer.analyze(new RegistrationException(
				"granting a lease failed: UNAVAILABLE: io exception", null, List.of("http://10.0.0.7:2379")));
		assertThat(analysis.getDescription()).isEqualTo(
				"Could not register this application in etcd at [http://10.0.0.7:2379]: granting a lease failed: "
						+ "UNAVAILABLE: io exception.");
		assertThat(analysis.getAction()).contains("discovery.fail-fast=false");
	}

	@Test
	void namesNoEndpointsWhenTheyAreNotKnown() {
		FailureAnalysis analysis = this.analyzer
			.analyze(new RegistrationException("Registration did not finish in time"));
		assertThat(analysis.getDescription())
			.isEqualTo("Could not register this application in etcd: Registration did not finish in time.");
	}

	@Test
	void aConflictAsksForAnInstanceIdOfItsOwn() {
		FailureAnalysis analysis = this.analyzer
			.analyze(new InstanceIdConflictException("/services/default/orders/o1", 0x1234));
		assertThat(analysis.getAction()).contains("discovery.instance-id");
	}

	@Test
	void theStoreCarriesTheEndpointsOfTheConnectionDetails() {
		this.contextRunner.withUserConfiguration(PlatformConnection.class)
			.run((context) -> assertThat(context.getBean(RegistrationStore.class).getEndpoints())
				.containsExactly("http://10.0.0.7:2379", "http://10.0.0.8:2379"));
	}

	@Test
	void theStoreCarriesTheEndpointsOfTheProperties() {
		this.contextRunner.run((context) -> assertThat(context.getBean(RegistrationStore.class).getEndpoints())
			.containsExactly("http://127.0.0.1:2379"));
	}

	@Configuration(proxyBeanMethods = false)
	static class PlatformConnection {

		@Bean
		EtcdConnectionDetails platformEtcd() {
			return () -> List.of("http://10.0.0.7:2379", "http://10.0.0.8:2379");
		}

	}

}
