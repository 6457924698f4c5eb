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

import java.lang.reflect.Method;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Processes Spring Cloud LoadBalancer's {@code BlockingLoadBalancerRetryConfig} as a lite
 * configuration class, as Spring Boot's own auto-configurations are
 * ({@code proxyBeanMethods = false}), instead of subclassing it with CGLIB at start-up.
 * <p>
 * Spring Cloud LoadBalancer 5.0 declares it with a plain {@code @Configuration} and
 * registers it whenever Spring Retry is on the classpath, which the blocking retry needs:
 * in an application with no other full configuration class, that one proxy loads CGLIB
 * and generates a class on the thread that starts the application (about 140 classes, 0.1
 * s measured on a loaded 2-core machine; see docs/benchmarks.md). Its one {@code @Bean}
 * method calls no other, so the proxy changes nothing; the class is left as it is should
 * a later version have more than one {@code @Bean} method.
 *
 * @author etcd-discovery authors
 */
final class LiteLoadBalancerRetryConfiguration implements BeanDefinitionRegistryPostProcessor {

	static final String RETRY_CONFIGURATION = "org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration$BlockingLoadBalancerRetryConfig";

	// ConfigurationClassUtils' attribute telling full (proxied) from lite configuration
	// classes; not public API: if it changes, this does nothing.
	private static final String CONFIGURATION_CLASS_ATTRIBUTE = "org.springframework.context.annotation.ConfigurationClassPostProcessor.configurationClass";

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!registry.containsBeanDefinition(RETRY_CONFIGURATION)) {
			return;
		}
		BeanDefinition definition = registry.getBeanDefinition(RETRY_CONFIGURATION);
		String className = definition.getBeanClassName();
		if ("full".equals(definition.getAttribute(CONFIGURATION_CLASS_ATTRIBUTE)) && className != null
				&& beanMethods(className) == 1) {
			definition.setAttribute(CONFIGURATION_CLASS_ATTRIBUTE, "lite");
		}
	}

	private static int beanMethods(String className) {
		try {
			Class<?> type = ClassUtils.forName(className, LiteLoadBalancerRetryConfiguration.class.getClassLoader());
			int count = 0;
			for (Method method : ReflectionUtils.getDeclaredMethods(type)) {
				if (AnnotatedElementUtils.hasAnnotation(method, Bean.class)) {
					count++;
				}
			}
			return count;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return -1;
		}
	}

}
