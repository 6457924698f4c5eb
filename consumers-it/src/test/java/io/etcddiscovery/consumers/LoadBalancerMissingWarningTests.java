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
package io.etcddiscovery.consumers;

import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.cloud.CloudDiscoveryAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway without Spring Cloud LoadBalancer is told at start-up why its {@code lb://}
 * routes will answer 503 (Gateway itself says nothing).
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class LoadBalancerMissingWarningTests {

	private static final String WARNING = "Spring Cloud Gateway is on the classpath without Spring Cloud LoadBalancer";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class,
				DiscoveryClientAutoConfiguration.class, CloudDiscoveryAutoConfiguration.class))
		.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:9",
				"discovery.client.initial-lookup-timeout=100ms");

	@Test
	void gatewayWithoutTheLoadBalancerIsWarnedAbout(CapturedOutput output) {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ServiceInstanceListSupplier.class))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING).contains("etcd-discovery-spring-cloud-starter");
	}

	@Test
	void gatewayWithTheLoadBalancerIsNot(CapturedOutput output) {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

}
